/**
 * Fault injection on `/v1` calls (docs/api-model.md, "Emulator admin API"): a seeded PRNG decides,
 * request by request, whether to inject a fault and which, so one seed gives one reproducible
 * sequence for the same sequence of requests.
 */
import { DEFAULT_RETRY_AFTER_SECONDS } from "./modelled.ts";

/** The fault kinds: `429` and `503` answer before handling, `500` and `drop` after it, `latency` delays. */
export type FaultKind = "429" | "500" | "503" | "drop" | "latency";
/** Every {@link FaultKind}. */
export const FAULT_KINDS: readonly FaultKind[] = ["429", "500", "503", "drop", "latency"];

/** Fault injection settings, as `PUT /_emulator/faults` takes them. */
export interface FaultConfig {
  /** Probability from 0 to 1 that a matching request gets a fault. */
  rate: number;
  /** The kinds to pick from, uniformly. */
  kinds: FaultKind[];
  /** PRNG seed (integer); the same seed gives the same sequence. Default 0. */
  seed: number;
  /** `Retry-After` of an injected 429, seconds. Default 1. */
  retryAfterSeconds: number;
  /** Delay of a `latency` fault, real milliseconds. Default 0. */
  latencyMs: number;
  /** Only requests with one of these methods get faults (e.g. `["POST"]`). Default: all. */
  methods?: string[];
  /** Only requests whose path starts with this get faults (e.g. `/v1/backups`). Default: all. */
  pathPrefix?: string;
  /** Inject at most this many faults, then none until faults are set again. Default: no limit. */
  limit?: number;
}

/** A fault drawn for one request, with the settings its kind needs. */
export interface InjectedFault {
  kind: FaultKind;
  /** `Retry-After` of a 429, seconds. */
  retryAfterSeconds: number;
  /** Delay of a `latency` fault, real milliseconds. */
  latencyMs: number;
}

/** Decides the fault, if any, of each `/v1` request. */
export class FaultInjector {
  private settings: FaultConfig | null = null;
  private random: () => number = () => 1;
  private injected = 0;

  /** The current settings, or null when fault injection is off. */
  get config(): FaultConfig | null {
    return this.settings === null ? null : structuredClone(this.settings);
  }

  /** Turns fault injection on with `settings` and restarts the PRNG from its seed. */
  configure(settings: FaultConfig): void {
    this.settings = structuredClone(settings);
    this.random = mulberry32(settings.seed);
    this.injected = 0;
  }

  /** Turns fault injection off. */
  clear(): void {
    this.settings = null;
  }

  /**
   * The fault for a request (`method`, URL `path` without query), or undefined. Draws from the
   * PRNG only for requests the settings match, so unrelated calls do not shift the sequence.
   */
  decide(method: string, path: string): InjectedFault | undefined {
    const settings = this.settings;
    if (!settings || !this.matches(settings, method, path)) return undefined;
    if (settings.limit !== undefined && this.injected >= settings.limit) return undefined;
    const hit = this.random() < settings.rate;
    const kind = settings.kinds[Math.floor(this.random() * settings.kinds.length)];
    if (!hit || kind === undefined) return undefined;
    this.injected++;
    return { kind, retryAfterSeconds: settings.retryAfterSeconds, latencyMs: settings.latencyMs };
  }

  private matches(settings: FaultConfig, method: string, path: string): boolean {
    if (settings.methods && !settings.methods.some((m) => m.toUpperCase() === method)) return false;
    return settings.pathPrefix === undefined || path.startsWith(settings.pathPrefix);
  }
}

/** Defaults of the optional fault settings. */
export const FAULT_DEFAULTS = {
  seed: 0,
  retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
  latencyMs: 0,
} as const;

/** A small, fast, seeded 32-bit PRNG (mulberry32) giving floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

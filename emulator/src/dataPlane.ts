/**
 * The data plane: every provisioned datastore serves its data over RESP (RESP2, RESP3 after
 * `HELLO 3`) on a listener of its own, at the `addr` the API returns for it (`127.0.0.1:<port>`).
 * Any Redis client can connect with the datastore's `password` (user `default`).
 *
 * Like the rest of the emulator, nothing runs in the background: after every API request and
 * before every batch of commands the server calls {@link DataPlane.reconcile}, which opens a
 * listener for each datastore that should have one and closes the others:
 *
 * - `pending`: none yet (`addr` is `""` until the datastore is first `active`);
 * - `active` and `updating`: serves (an update is a near-zero-downtime change);
 * - `restoring`: every open connection is dropped when the restore starts, as when a server
 *   restarts to load a snapshot; new connections are accepted, and until the restore completes
 *   every command except AUTH, HELLO, QUIT, SELECT, INFO and CLIENT answers `-LOADING …`, as a
 *   server loading its dataset does (commands.ts);
 * - `deleting`, `deleted`, or gone after an admin reset: the listener is closed and its
 *   connections dropped (connecting is refused).
 */
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { type DataContext, execute, type Session } from "./commands.ts";
import { encode, error, RespReader } from "./resp.ts";
import type { DatastoreRecord, Transition } from "./types.ts";
import type { World } from "./world.ts";

/** What the data plane needs from the emulator around it. */
export interface DataPlaneHost {
  world: World;
  /** Brings the world up to the clock's now: transitions, backups and the scheduler that are due. */
  catchUp(): void;
  /** Saves the state file when the world changed. */
  save(): void;
}

/** One datastore's listener and its connections. */
interface Endpoint {
  datastore: DatastoreRecord;
  server: Server;
  sockets: Set<Socket>;
  /** The listening port; 0 until it listens. */
  port: number;
  /** Settles when the listener listens (or could not). */
  ready: Promise<void>;
  closed: boolean;
  /** The restore whose start last dropped the connections, so one restore drops them once. */
  restore: Transition | null;
  nextClientId: number;
}

/** The listeners of every datastore that serves its data. */
export class DataPlane {
  private readonly host: DataPlaneHost;
  private readonly bindHost: string;
  private readonly endpoints = new Map<string, Endpoint>();
  private closing: Promise<void> | undefined;

  /**
   * @param host the emulator's world and hooks.
   * @param bindHost the interface to listen on (the emulator's `host`); `addr` names it, or the
   *   loopback address for a wildcard (`0.0.0.0`, `::`).
   */
  constructor(host: DataPlaneHost, bindHost: string) {
    this.host = host;
    this.bindHost = bindHost;
  }

  /**
   * Opens and closes listeners to match the datastores' statuses, drops the connections of a
   * datastore whose restore has just started, and resolves once every listener opened or closed
   * here has finished doing so (so an answer sent afterwards shows the new `addr`, and a deleted
   * datastore already refuses connections).
   */
  async reconcile(): Promise<void> {
    await Promise.all(this.reconcileNow());
  }

  /** Stops every listener and drops every connection. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.endpoints.values()].map((endpoint) => endpoint.ready));
      await Promise.all([...this.endpoints.values()].map((endpoint) => this.stop(endpoint)));
      this.endpoints.clear();
    })();
    return this.closing;
  }

  /** {@link reconcile}'s work, done at once; returns what is still in flight. */
  private reconcileNow(): Promise<void>[] {
    if (this.closing) return [];
    const inFlight: Promise<void>[] = [];
    const { datastores } = this.host.world;
    for (const [id, endpoint] of this.endpoints) {
      const datastore = datastores.get(id);
      if (datastore !== endpoint.datastore || !serves(datastore)) {
        this.endpoints.delete(id);
        inFlight.push(this.stop(endpoint));
      }
    }
    for (const datastore of datastores.values()) {
      if (!serves(datastore)) continue;
      const endpoint = this.endpoints.get(datastore.id);
      if (endpoint === undefined) {
        inFlight.push(this.open(datastore).ready);
        continue;
      }
      const restore = datastore.transition?.kind === "restore" ? datastore.transition : null;
      if (restore !== null && restore !== endpoint.restore) {
        for (const socket of endpoint.sockets) socket.destroy();
      }
      endpoint.restore = restore;
    }
    return inFlight;
  }

  private open(datastore: DatastoreRecord): Endpoint {
    const server = createServer();
    const endpoint: Endpoint = {
      datastore,
      server,
      sockets: new Set(),
      port: 0,
      ready: Promise.resolve(),
      closed: false,
      restore: datastore.transition?.kind === "restore" ? datastore.transition : null,
      nextClientId: 1,
    };
    server.on("connection", (socket) => this.accept(endpoint, socket));
    endpoint.ready = listen(server, this.bindHost, this.previousPort(datastore.addr)).then(
      (port) => {
        server.on("error", (failure) =>
          process.stderr.write(
            `dfcloud-emulator: data plane of datastore ${datastore.id}: ${String(failure)}\n`,
          ),
        );
        if (endpoint.closed) return;
        endpoint.port = port;
        datastore.addr = this.address(port);
        this.host.world.dirty = true;
        this.host.save();
      },
      (failure: unknown) => {
        endpoint.closed = true;
        process.stderr.write(
          `dfcloud-emulator: the data plane of datastore ${datastore.id} cannot listen: ${String(failure)}\n`,
        );
      },
    );
    this.endpoints.set(datastore.id, endpoint);
    return endpoint;
  }

  /** The port of a datastore's `addr` from before a restart, to listen on it again if it is free; else 0. */
  private previousPort(addr: string): number {
    const prefix = this.address(0).slice(0, -1);
    const port = addr.startsWith(prefix) ? Number(addr.slice(prefix.length)) : 0;
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
  }

  private address(port: number): string {
    const host = this.bindHost === "0.0.0.0" ? "127.0.0.1" : this.bindHost === "::" ? "::1" : this.bindHost;
    return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  }

  private stop(endpoint: Endpoint): Promise<void> {
    endpoint.closed = true;
    for (const socket of endpoint.sockets) socket.destroy();
    return endpoint.ready.then(
      () =>
        new Promise<void>((resolve) => {
          if (!endpoint.server.listening) return resolve();
          endpoint.server.close(() => resolve());
        }),
    );
  }

  private accept(endpoint: Endpoint, socket: Socket): void {
    if (endpoint.closed) {
      socket.destroy();
      return;
    }
    endpoint.sockets.add(socket);
    socket.on("close", () => endpoint.sockets.delete(socket));
    // A client that resets the connection is routine; the socket closes either way.
    socket.on("error", () => {});
    socket.setNoDelay(true);
    const session: Session = {
      id: endpoint.nextClientId++,
      protocol: 2,
      authenticated: endpoint.datastore.password === "",
      name: "",
      closing: false,
    };
    const reader = new RespReader();
    socket.on("data", (chunk: Buffer) => {
      if (session.closing) return;
      reader.push(chunk);
      this.serve(endpoint, socket, session, reader);
    });
  }

  /** Runs every complete command received, in order, and writes their replies in one go. */
  private serve(endpoint: Endpoint, socket: Socket, session: Session, reader: RespReader): void {
    this.host.catchUp();
    this.reconcileNow();
    if (endpoint.closed || socket.destroyed) {
      socket.destroy();
      return;
    }
    const { datastore } = endpoint;
    let changed = false;
    let out = "";
    for (;;) {
      const read = reader.next(datastore.password !== "" && !session.authenticated);
      if (read === undefined) break;
      if ("protocolError" in read) {
        out += encode(error(`ERR Protocol error: ${read.protocolError}`), session.protocol);
        session.closing = true;
        break;
      }
      const context: DataContext = {
        keyspace: datastore.data,
        now: this.host.world.now,
        password: datastore.password,
        loading: datastore.status === "restoring",
        port: endpoint.port,
        clients: endpoint.sockets.size,
        changed: () => {
          changed = true;
        },
      };
      out += encode(execute(read.argv, session, context), session.protocol);
      if (session.closing) break;
    }
    if (changed) {
      this.host.world.dirty = true;
      this.host.save();
    }
    if (out !== "") socket.write(Buffer.from(out, "latin1"));
    if (session.closing) socket.end();
  }
}

/** Whether `datastore` serves its data: provisioned (it has been `active`) and not being deleted. */
function serves(datastore: DatastoreRecord | undefined): datastore is DatastoreRecord {
  if (datastore === undefined) return false;
  if (datastore.status === "active") return true;
  return (datastore.status === "updating" || datastore.status === "restoring") && datastore.addr !== "";
}

/** Listens on `port` (any free port when it is taken or 0) and resolves with the port. */
async function listen(server: Server, host: string, port: number): Promise<number> {
  const attempt = (wanted: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (failure: Error) => reject(failure);
      server.once("error", onError);
      server.listen(wanted, host, () => {
        server.off("error", onError);
        resolve((server.address() as AddressInfo).port);
      });
    });
  if (port === 0) return attempt(0);
  try {
    return await attempt(port);
  } catch {
    return attempt(0);
  }
}

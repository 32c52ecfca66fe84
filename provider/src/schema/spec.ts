/**
 * The vocabulary each resource and function declares its contract in, once, next to its logic: for
 * every property its name, type, required or optional, default, description (with unit and limits),
 * whether a change replaces, whether it is secret, and the zod schema `check` validates and
 * normalises it with. From these declarations come schema.json, the dynamic SDK's classes and types,
 * `check`'s validation and messages, `diff`'s replace rules, the input types (`z.output`, no casts)
 * and docs/reference (`make schema`; scripts/gen-contract.js).
 */
import type * as z from "../zod";

/**
 * Package name: every token, the plugin's name (`pulumi-resource-dfcloud-backups`) and the config
 * namespace (`dfcloud-backups:apiKey`) start with it. Not `dfcloud`: that is the name
 * `pulumi package add terraform-provider dragonflydb/dfcloud` gives the vendor's bridged Terraform
 * provider, which manages the datastores themselves, and since engine v3.233 two plugins that claim
 * one package name stop the update (pulumi/pulumi#22679).
 */
export const PACKAGE = "dfcloud-backups";

/**
 * The module the dynamic SDK registers its resources under (`pulumi.dynamic.Resource`'s `module`):
 * part of every dynamic type token (`pulumi-nodejs:dynamic/dfcloud:Backup`), so it never changes,
 * whatever the package is called: stacks written by the dynamic SDK hold these tokens.
 */
export const DYNAMIC_MODULE = "dfcloud";

/** The token of a member of the package's only module: `dfcloud-backups:index:Backup`. */
export function tokenOf(name: string): string {
  return `${PACKAGE}:index:${name}`;
}

/** A property's type, as schema.json spells it and the SDK generators translate it. */
export type TypeSpec =
  | { readonly kind: "string" }
  | { readonly kind: "integer" }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  /**
   * One string value (`"every"`): a plain string in schema.json, the literal in TypeScript. Unions use
   * it rather than a one-value enum, which Go's code generator would turn the whole union into.
   */
  | { readonly kind: "literal"; readonly value: string }
  /** A named enum or object type of the package (see {@link EnumType}, {@link ObjectType}). */
  | { readonly kind: "ref"; readonly type: NamedType }
  | { readonly kind: "array"; readonly items: TypeSpec }
  | { readonly kind: "oneOf"; readonly of: readonly TypeSpec[] };

/** Builders of {@link TypeSpec}s that keep their exact shape in the type, for {@link TypeOf}. */
export const t = {
  string: { kind: "string" } as const,
  integer: { kind: "integer" } as const,
  number: { kind: "number" } as const,
  boolean: { kind: "boolean" } as const,
  literal: <const V extends string>(value: V) => ({ kind: "literal", value }) as const,
  ref: <const N extends NamedType>(type: N) => ({ kind: "ref", type }) as const,
  array: <const I extends TypeSpec>(items: I) => ({ kind: "array", items }) as const,
  oneOf: <const O extends readonly TypeSpec[]>(...of: O) => ({ kind: "oneOf", of }) as const,
};

/** One value of an enum type. */
export interface EnumValue<V extends string = string> {
  /** The member's name in generated SDKs (`Monday`). */
  readonly name: string;
  readonly value: V;
  readonly description: string;
}

/** A string enum of the package's `types`. */
export interface EnumType<V extends string = string> {
  readonly kind: "enum";
  readonly name: string;
  readonly description: string;
  readonly values: readonly EnumValue<V>[];
}

/** An object type of the package's `types` (a function's output, a nested output). */
export interface ObjectType<P extends OutputSpecs = OutputSpecs> {
  readonly kind: "object";
  readonly name: string;
  readonly description: string;
  readonly properties: P;
}

/** A type named in the package's `types`. */
export type NamedType = EnumType | ObjectType;

/** Declares an enum type; its values are the single source of the literals code and schema use. */
export function enumType<const V extends string>(
  name: string,
  description: string,
  values: readonly EnumValue<V>[],
): EnumType<V> {
  return { kind: "enum", name, description, values };
}

/** The union of an enum type's values. */
export type EnumValueOf<E> = E extends EnumType<infer V> ? V : never;

/** The values of an enum, as a tuple for `z.enum`. */
export function enumValues<V extends string>(type: EnumType<V>): [V, ...V[]] {
  const values = type.values.map((member) => member.value);
  if (values.length === 0) throw new Error(`enum ${type.name} has no values`);
  return values as [V, ...V[]];
}

/** Declares an object type. */
export function objectType<const P extends OutputSpecs>(
  name: string,
  description: string,
  properties: P,
): ObjectType<P> {
  return { kind: "object", name, description, properties };
}

/** The TypeScript type a {@link TypeSpec} stands for. */
export type TypeOf<T> = T extends { kind: "string" }
  ? string
  : T extends { kind: "integer" | "number" }
    ? number
    : T extends { kind: "boolean" }
      ? boolean
      : T extends { kind: "literal"; value: infer V }
        ? V
        : T extends { kind: "ref"; type: EnumType<infer V> }
          ? V
          : T extends { kind: "ref"; type: ObjectType<infer P> }
            ? OutputsOf<P>
            : T extends { kind: "array"; items: infer I }
              ? TypeOf<I>[]
              : T extends { kind: "oneOf"; of: readonly (infer U)[] }
                ? TypeOf<U>
                : never;

/** One input property of a resource or function. */
export interface InputSpec<S extends z.ZodType = z.ZodType> {
  /** Validates and normalises the value in `check`; its output type is the property's checked type. */
  readonly schema: S;
  readonly type: TypeSpec;
  /** What it means, with unit, limits and default; the same text in schema.json, the SDK and docs. */
  readonly description: string;
  /** Set when the property is required: what it must be, for the message when it is missing. */
  readonly required?: string;
  /** The default `check` fills in (also shown in schema.json and docs). */
  readonly default?: string | number | boolean;
  /** A change makes a new resource (`diff` replaces; `willReplaceOnChanges` in schema.json). */
  readonly replaces?: boolean;
  /** The engine stores it as a secret. */
  readonly secret?: boolean;
  /**
   * The TypeScript type of the dynamic SDK's Args property, inside `pulumi.Input<…>`, when it is
   * wider than {@link InputSpec.type} says (weekday names accept full names and any case).
   */
  readonly sdkType?: string;
  /** The type of the output when `check` narrows it (full weekday names become the enum). Default `type`. */
  readonly outputType?: TypeSpec;
}

/** One output property (the inputs are outputs too and need no second declaration). */
export interface OutputSpec<T extends TypeSpec = TypeSpec> {
  readonly type: T;
  readonly description: string;
  /** Always present in outputs. */
  readonly required: boolean;
  readonly secret?: boolean;
}

/** Output properties by name. */
export type OutputSpecs = Readonly<Record<string, OutputSpec>>;

/** Declares an output property that is always present. */
export function output<const T extends TypeSpec>(
  type: T,
  description: string,
): OutputSpec<T> & { required: true } {
  return { type, description, required: true };
}

/** Declares an output property that may be absent. */
export function optionalOutput<const T extends TypeSpec>(
  type: T,
  description: string,
): OutputSpec<T> & { required: false } {
  return { type, description, required: false };
}

/** The values of output properties: required ones always present, the others optional. */
export type OutputsOf<P> = {
  -readonly [K in keyof P as P[K] extends { required: true } ? K : never]: P[K] extends OutputSpec<infer T>
    ? TypeOf<T>
    : never;
} & {
  -readonly [K in keyof P as P[K] extends { required: true } ? never : K]?: P[K] extends OutputSpec<infer T>
    ? TypeOf<T>
    : never;
};

/** The inputs of a contract, by name. */
export type InputSpecs = Readonly<Record<string, InputSpec>>;

/** A resource's contract. */
export interface ResourceContract<I extends InputSpecs = InputSpecs, O extends OutputSpecs = OutputSpecs> {
  /** Class name: `BackupSchedule`. */
  readonly name: string;
  /** What it is and what `up`, `refresh` and `destroy` do. */
  readonly description: string;
  readonly inputs: I;
  /** Outputs besides the inputs. */
  readonly outputs: O;
}

/** Declares a resource's contract, keeping the exact input keys and schemas in its type. */
export function resourceContract<const I extends InputSpecs, const O extends OutputSpecs>(
  contract: ResourceContract<I, O>,
): ResourceContract<I, O> {
  return contract;
}

/** The outputs of a resource: its checked inputs plus its own outputs. */
export type ResourceOutputsOf<C> =
  C extends ResourceContract<infer I, infer O> ? InputsOf<I> & OutputsOf<O> : never;

/** A function's (lookup's) contract. */
export interface FunctionContract {
  /** Function name: `listBackups`. */
  readonly name: string;
  readonly description: string;
  readonly inputs: InputSpecs;
  /** Inputs passed as positional arguments in generated SDKs (`getBackup(id)`). */
  readonly multiArgumentInputs?: readonly string[];
  readonly outputs: TypeSpec;
}

/**
 * The checked inputs of a contract: each property's schema output; a property that is neither
 * required nor defaulted may be absent.
 */
export type InputsOf<I extends Readonly<Record<string, Pick<InputSpec, "schema" | "required" | "default">>>> =
  {
    -readonly [K in keyof I as I[K] extends { required: string } | { default: unknown }
      ? K
      : never]: z.output<I[K]["schema"]>;
  } & {
    -readonly [K in keyof I as I[K] extends { required: string } | { default: unknown }
      ? never
      : K]?: Exclude<z.output<I[K]["schema"]>, undefined>;
  };

/** The keys whose change replaces the resource. */
export function replacingKeys<I extends InputSpecs>(
  contract: ResourceContract<I, OutputSpecs>,
): (keyof I & string)[] {
  return Object.entries(contract.inputs)
    .filter(([, spec]) => spec.replaces === true)
    .map(([key]) => key);
}

/** The keys whose change is applied in place. */
export function updatableKeys<I extends InputSpecs>(
  contract: ResourceContract<I, OutputSpecs>,
): (keyof I & string)[] {
  return Object.entries(contract.inputs)
    .filter(([, spec]) => spec.replaces !== true)
    .map(([key]) => key);
}

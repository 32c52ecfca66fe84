/**
 * schema.json is the package's one contract. This test proves the three descriptions of the API
 * agree on it, property by property: the SDK's TypeScript (Args interfaces, output declarations and
 * lookup signatures, read with the TypeScript compiler API), the zod rules `check` validates with
 * (names, required-ness, defaults, accepted values, which changes replace), and the provider's
 * output types. A property added, dropped, made optional or given another type or enum value in one
 * place and not the others fails here. It also proves docs/reference is what scripts/gen-docs.js
 * renders from schema.json today.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_API_URL } from "../../provider/src/client/modelled";
import { BackupSourceSchema, BackupStatusSchema } from "../../provider/src/client/schemas";
import { backupLogic, backupRules } from "../../provider/src/resources/backup";
import { backupScheduleLogic, backupScheduleRules } from "../../provider/src/resources/backup-schedule";
import type { FieldRule } from "../../provider/src/resources/check";
import type { ResourceLogic } from "../../provider/src/resources/contract";
import { restoreLogic, restoreRules } from "../../provider/src/resources/restore";
import { WEEKDAYS } from "../../provider/src/resources/schedule-spec";
import { configure, resolveCredentials } from "../../provider/src/runtime";
import schemaJson from "../../schema.json";
import { BACKUP_SCHEDULE_TYPE, BACKUP_TYPE, RESTORE_TYPE } from "../../sdk/src/tokens";

// gen-docs.js is a plain Node script (CommonJS), loaded as such.
const genDocs = require("../../scripts/gen-docs.js") as {
  renderDocs(schema: unknown): Map<string, string>;
  stalePages(pages: Map<string, string>, dir: string): string[];
  OUT_DIR: string;
  BANNER: string;
};

const ROOT = path.resolve(__dirname, "../..");

// ---------------------------------------------------------------------------------------------
// A common vocabulary: every side is reduced to properties with a required flag and a canonical
// type text such as `enum(every) | array<enum(fri|mon|sat|sun|thu|tue|wed)>` or `{a:string,b?:number}`.
// ---------------------------------------------------------------------------------------------

/** One property as any side describes it. */
interface Prop {
  required: boolean;
  type: string;
}
type Props = Map<string, Prop>;

/**
 * `strict` keeps enum values; `loose` reduces an enum to its base type, for the SDK's output
 * declarations, which type normalised weekdays as plain strings.
 */
type Mode = "strict" | "loose";

/** Joins union members canonically: string literals form one `enum(…)`, members are sorted. */
function unionText(members: string[]): string {
  const literals = new Set<string>();
  const others = new Set<string>();
  for (const member of members) {
    const literal = /^"(.*)"$/.exec(member);
    if (literal?.[1] !== undefined) literals.add(literal[1]);
    else others.add(member);
  }
  // `(string & {})` next to literals is the open-enum idiom (autocompletion, other spellings accepted).
  if (literals.size > 0) others.delete("open-string");
  else if (others.delete("open-string")) others.add("string");
  const all = [...others];
  if (literals.size > 0) all.push(`enum(${[...literals].sort().join("|")})`);
  return all.sort().join(" | ");
}

/** Removes `undefined` from a type text; says whether it was there. */
function splitOptional(members: string[]): { members: string[]; optional: boolean } {
  const kept = members.filter((member) => member !== "undefined");
  return { members: kept, optional: kept.length !== members.length };
}

// ----- schema.json -----------------------------------------------------------------------------

interface SchemaType {
  type?: string;
  $ref?: string;
  items?: SchemaType;
  oneOf?: SchemaType[];
  description?: string;
  default?: unknown;
  secret?: boolean;
  willReplaceOnChanges?: boolean;
  defaultInfo?: { environment: string[] };
}
interface SchemaObject {
  properties?: Record<string, SchemaType>;
  required?: string[];
}
interface SchemaComplexType extends SchemaObject {
  type: string;
  enum?: { value: string | number | boolean }[];
}
interface SchemaResource extends SchemaObject {
  inputProperties: Record<string, SchemaType>;
  requiredInputs?: string[];
}
interface SchemaFunction {
  inputs?: SchemaObject;
  multiArgumentInputs?: string[];
  outputs?: SchemaType & SchemaObject;
}
interface PackageSchema {
  name: string;
  config: { variables: Record<string, SchemaType> };
  provider: { inputProperties: Record<string, SchemaType> };
  types: Record<string, SchemaComplexType>;
  resources: Record<string, SchemaResource>;
  functions: Record<string, SchemaFunction>;
}

const SCHEMA = schemaJson as unknown as PackageSchema;

/** The canonical type text of a schema type; `undefined` never appears (required lists say it). */
function schemaTypeText(schema: PackageSchema, spec: SchemaType, mode: Mode): string {
  if (spec.oneOf) return unionText(spec.oneOf.map((member) => schemaTypeText(schema, member, mode)));
  if (spec.$ref) {
    const named = schema.types[spec.$ref.replace(/^#\/types\//, "")];
    if (!named) return `missing-type(${spec.$ref})`;
    if (named.enum) {
      if (mode === "loose") return named.type === "integer" ? "number" : named.type;
      return unionText(named.enum.map((member) => JSON.stringify(member.value)));
    }
    return schemaObjectText(schema, named, mode);
  }
  if (spec.type === "array") return `array<${spec.items ? schemaTypeText(schema, spec.items, mode) : "?"}>`;
  if (spec.type === "integer" || spec.type === "number") return "number";
  return spec.type ?? "any";
}

/** The canonical text of an object: `{name:type,optional?:type}`, sorted by name. */
function objectText(props: Props): string {
  const fields = [...props.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, prop]) => `${name}${prop.required ? "" : "?"}:${prop.type}`);
  return `{${fields.join(",")}}`;
}

function schemaProps(
  schema: PackageSchema,
  properties: Record<string, SchemaType>,
  required: string[],
  mode: Mode,
): Props {
  return new Map(
    Object.entries(properties).map(([name, spec]) => [
      name,
      { required: required.includes(name), type: schemaTypeText(schema, spec, mode) },
    ]),
  );
}

function schemaObjectText(schema: PackageSchema, object: SchemaObject, mode: Mode): string {
  return objectText(schemaProps(schema, object.properties ?? {}, object.required ?? [], mode));
}

// ----- TypeScript (compiler API) ---------------------------------------------------------------

/** Wrappers whose type argument is the value's type. */
const WRAPPERS = new Set(["pulumi.Input", "Input", "pulumi.Output", "Output", "Promise"]);

/** Reads declarations of sdk/src and provider/src with one type checker. */
class TsModel {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;

  constructor(files: string[]) {
    this.program = ts.createProgram(
      files.map((file) => path.join(ROOT, file)),
      {
        target: ts.ScriptTarget.ES2023,
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: true,
        noEmit: true,
        types: ["node"],
        // The SDK imports the provider package by name; read its sources, not a build that may be stale.
        baseUrl: ROOT,
        paths: { "@pulumi-dfcloud/provider": ["provider/src/index.ts"] },
      },
    );
    this.checker = this.program.getTypeChecker();
  }

  sourceFile(file: string): ts.SourceFile {
    const source = this.program.getSourceFile(path.join(ROOT, file));
    if (!source) throw new Error(`${file} is not part of the program`);
    return source;
  }

  /** A top-level declaration of `file` by name and kind. */
  declaration<T extends ts.Node>(file: string, name: string, guard: (node: ts.Node) => node is T): T {
    const found = this.sourceFile(file).statements.find(
      (statement): statement is ts.Statement & T =>
        guard(statement) && (statement as unknown as { name?: ts.Identifier }).name?.text === name,
    );
    if (!found) throw new Error(`${file} declares no ${name}`);
    return found;
  }

  /** The properties of an interface, as written: `x?:` makes it optional. */
  interfaceProps(file: string, name: string, mode: Mode): Props {
    const declaration = this.declaration(file, name, ts.isInterfaceDeclaration);
    const props: Props = new Map();
    for (const member of declaration.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const { text, optional } = this.nodeText(member.type, mode);
      props.set(member.name.getText(), { required: !member.questionToken && !optional, type: text });
    }
    return props;
  }

  /** The `declare readonly x: pulumi.Output<T>` members of a resource class; `T | undefined` is optional. */
  outputProps(file: string, className: string, mode: Mode): Props {
    const declaration = this.declaration(file, className, ts.isClassDeclaration);
    const props: Props = new Map();
    for (const member of declaration.members) {
      if (!ts.isPropertyDeclaration(member) || !member.type) continue;
      if (!member.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.DeclareKeyword)) continue;
      const { text, optional } = this.nodeText(member.type, mode);
      props.set(member.name.getText(), { required: !optional, type: text });
    }
    return props;
  }

  /** The properties of any named type (interface, alias, intersection), through the checker. */
  typeProps(file: string, name: string, mode: Mode): Props {
    const isNamedType = (node: ts.Node): node is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
      ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node);
    const declaration = this.declaration(file, name, isNamedType);
    return this.propsOfType(this.checker.getTypeAtLocation(declaration.name), mode);
  }

  propsOfType(type: ts.Type, mode: Mode): Props {
    const props: Props = new Map();
    for (const property of this.checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration) continue;
      const { text, optional } = this.typeText(
        this.checker.getTypeOfSymbolAtLocation(property, declaration),
        mode,
      );
      const isOptional = (property.flags & ts.SymbolFlags.Optional) !== 0 || optional;
      props.set(property.name, { required: !isOptional, type: text });
    }
    return props;
  }

  /** Canonical text of a type node, unwrapping Input/Output/Promise where they are written. */
  nodeText(node: ts.TypeNode, mode: Mode): { text: string; optional: boolean } {
    const members = this.nodeMembers(node, mode);
    const { members: kept, optional } = splitOptional(members);
    return { text: unionText(kept), optional };
  }

  private nodeMembers(node: ts.TypeNode, mode: Mode): string[] {
    if (ts.isParenthesizedTypeNode(node)) return this.nodeMembers(node.type, mode);
    if (ts.isTypeReferenceNode(node) && WRAPPERS.has(node.typeName.getText()) && node.typeArguments?.[0]) {
      return this.nodeMembers(node.typeArguments[0], mode);
    }
    if (ts.isUnionTypeNode(node)) return node.types.flatMap((member) => this.nodeMembers(member, mode));
    if (ts.isArrayTypeNode(node)) {
      return [`array<${unionText(splitOptional(this.nodeMembers(node.elementType, mode)).members)}>`];
    }
    return this.typeMembers(this.checker.getTypeFromTypeNode(node), mode);
  }

  typeText(type: ts.Type, mode: Mode): { text: string; optional: boolean } {
    const { members, optional } = splitOptional(this.typeMembers(type, mode));
    return { text: unionText(members), optional };
  }

  private typeMembers(type: ts.Type, mode: Mode): string[] {
    if (type.isUnion()) {
      const members = type.types.flatMap((member) => this.typeMembers(member, mode));
      // The checker spells `boolean` as `true | false`.
      return [...new Set(members)];
    }
    if (type.isStringLiteral()) return [mode === "strict" ? JSON.stringify(type.value) : "string"];
    if (type.isNumberLiteral()) return ["number"];
    if (type.flags & (ts.TypeFlags.BooleanLike | ts.TypeFlags.BooleanLiteral)) return ["boolean"];
    if (type.flags & ts.TypeFlags.StringLike) return ["string"];
    if (type.flags & ts.TypeFlags.NumberLike) return ["number"];
    if (type.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) return ["undefined"];
    // `string & {}`: any string, written so that editors still suggest the literals beside it.
    if (type.isIntersection() && type.types.some((member) => member.flags & ts.TypeFlags.String)) {
      return ["open-string"];
    }
    if (this.checker.isArrayType(type)) {
      const [element] = this.checker.getTypeArguments(type as ts.TypeReference);
      return [`array<${element ? this.typeText(element, mode).text : "?"}>`];
    }
    if (type.flags & ts.TypeFlags.Object) return [objectText(this.propsOfType(type, mode))];
    return [this.checker.typeToString(type)];
  }

  /** Parameters and return type of an exported function, unwrapped. */
  functionSignature(file: string, name: string, mode: Mode): { params: Props; returns: string } {
    const declaration = this.declaration(file, name, ts.isFunctionDeclaration);
    const params: Props = new Map();
    for (const parameter of declaration.parameters) {
      if (!parameter.type) throw new Error(`${name}: parameter ${parameter.name.getText()} has no type`);
      const { text, optional } = this.nodeText(parameter.type, mode);
      params.set(parameter.name.getText(), {
        required: !parameter.questionToken && !parameter.initializer && !optional,
        type: text,
      });
    }
    if (!declaration.type) throw new Error(`${name} has no declared return type`);
    return { params, returns: this.nodeText(declaration.type, mode).text };
  }

  /** The `module:Type` a resource class passes to its base class constructor. */
  registeredType(file: string, className: string): string {
    const declaration = this.declaration(file, className, ts.isClassDeclaration);
    let registered = "";
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
        const [, , , , module, type] = node.arguments;
        if (module && type && ts.isStringLiteral(module) && ts.isStringLiteral(type)) {
          registered = `${module.text}:${type.text}`;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(declaration);
    return registered;
  }
}

// ----- the zod side ------------------------------------------------------------------------------

/** What the zod rules say about each input: required when `required` is set. */
function zodProps(rules: Record<string, FieldRule>): Map<string, { required: boolean }> {
  return new Map(
    Object.entries(rules).map(([name, rule]) => [name, { required: rule.required !== undefined }]),
  );
}

// ----- the comparison ----------------------------------------------------------------------------

/** One resource as every side describes it. */
interface ResourceSides {
  token: string;
  sdkArgs: Props;
  sdkOutputs: Props;
  zod: Map<string, { required: boolean }>;
  providerOutputs: Props;
}

/**
 * Every disagreement between schema.json and the other sides for one resource, as sentences. An
 * empty list means they agree on every input and output, its required-ness and its type.
 */
function resourceDisagreements(schema: PackageSchema, sides: ResourceSides): string[] {
  const name = sides.token.split(":")[2];
  const resource = schema.resources[sides.token];
  if (!resource) return [`${name}: not a resource of schema.json`];
  const problems: string[] = [];

  const inputs = schemaProps(schema, resource.inputProperties, resource.requiredInputs ?? [], "strict");
  for (const input of new Set([...inputs.keys(), ...sides.sdkArgs.keys(), ...sides.zod.keys()])) {
    const where = { schema: inputs.get(input), sdk: sides.sdkArgs.get(input), zod: sides.zod.get(input) };
    const missing = Object.entries(where)
      .filter(([, prop]) => prop === undefined)
      .map(([side]) => side);
    if (missing.length > 0) {
      problems.push(`${name} input ${input}: missing in ${missing.join(" and ")}`);
      continue;
    }
    const required = { schema: where.schema?.required, sdk: where.sdk?.required, zod: where.zod?.required };
    if (new Set(Object.values(required)).size > 1) {
      problems.push(`${name} input ${input}: required in ${JSON.stringify(required)}`);
    }
    if (where.schema?.type !== where.sdk?.type) {
      problems.push(
        `${name} input ${input}: schema type ${where.schema?.type} but SDK type ${where.sdk?.type}`,
      );
    }
  }

  const strictOutputs = schemaProps(schema, resource.properties ?? {}, resource.required ?? [], "strict");
  const looseOutputs = schemaProps(schema, resource.properties ?? {}, resource.required ?? [], "loose");
  for (const output of new Set([...strictOutputs.keys(), ...sides.sdkOutputs.keys()])) {
    const fromSchema = looseOutputs.get(output);
    const fromSdk = sides.sdkOutputs.get(output);
    if (!fromSchema || !fromSdk) {
      problems.push(`${name} output ${output}: missing in ${fromSchema ? "the SDK class" : "schema.json"}`);
      continue;
    }
    if (fromSchema.required !== fromSdk.required) {
      problems.push(
        `${name} output ${output}: always set in schema ${fromSchema.required}, in SDK ${fromSdk.required}`,
      );
    }
    if (fromSchema.type !== fromSdk.type) {
      problems.push(`${name} output ${output}: schema type ${fromSchema.type} but SDK type ${fromSdk.type}`);
    }
  }
  // The provider must produce every documented output, with the documented type and presence.
  for (const [output, fromSchema] of strictOutputs) {
    const produced = sides.providerOutputs.get(output);
    if (!produced) {
      problems.push(`${name} output ${output}: the provider's outputs type has no such property`);
      continue;
    }
    if (fromSchema.required && !produced.required) {
      problems.push(`${name} output ${output}: always set in schema.json but optional in the provider`);
    }
    if (fromSchema.type !== produced.type) {
      problems.push(
        `${name} output ${output}: schema type ${fromSchema.type} but provider type ${produced.type}`,
      );
    }
  }
  return problems;
}

// ----- test data: one valid and some invalid values of each schema type --------------------------

/** Values of the schema type that `check` must accept (each enum value on its own, all together). */
function validSamples(schema: PackageSchema, spec: SchemaType): unknown[] {
  if (spec.oneOf) return spec.oneOf.flatMap((member) => validSamples(schema, member));
  if (spec.$ref) {
    const named = schema.types[spec.$ref.replace(/^#\/types\//, "")];
    return named?.enum ? named.enum.map((member) => member.value) : [];
  }
  if (spec.type === "array" && spec.items) {
    const items = validSamples(schema, spec.items);
    return [[items[0]], items];
  }
  if (spec.type === "integer") return [spec.default ?? 1];
  if (spec.type === "boolean") return [spec.default ?? true];
  return [spec.default || "sample-1"];
}

/** Values of another type (or outside the enum) that `check` must refuse. */
function invalidSamples(schema: PackageSchema, spec: SchemaType): unknown[] {
  if (spec.oneOf) {
    // Outside every member: a string none of the enums has, and a number where nothing is a number.
    const members = spec.oneOf.map((member) => schemaTypeText(schema, member, "loose"));
    return ["not-a-member", ...(members.includes("number") ? [] : [{}])];
  }
  if (spec.$ref) return ["not-a-member", 7];
  if (spec.type === "array" && spec.items) return invalidSamples(schema, spec.items).map((item) => [item]);
  if (spec.type === "integer") return ["7", 1.5];
  if (spec.type === "boolean") return ["yes"];
  return [42];
}

/** Another valid value, for proving which input changes replace the resource. */
function changed(value: unknown): unknown {
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  if (value === "every") return ["mon"];
  return `${String(value)}-changed`;
}

// ---------------------------------------------------------------------------------------------

const RESOURCES = {
  BackupSchedule: {
    sdkFile: "sdk/src/backup-schedule.ts",
    providerFile: "provider/src/resources/backup-schedule.ts",
    rules: backupScheduleRules as Record<string, FieldRule>,
    logic: backupScheduleLogic as (deps: () => never) => ResourceLogic<unknown, unknown>,
  },
  Backup: {
    sdkFile: "sdk/src/backup.ts",
    providerFile: "provider/src/resources/backup.ts",
    rules: backupRules as Record<string, FieldRule>,
    logic: backupLogic as (deps: () => never) => ResourceLogic<unknown, unknown>,
  },
  Restore: {
    sdkFile: "sdk/src/restore.ts",
    providerFile: "provider/src/resources/restore.ts",
    rules: restoreRules as Record<string, FieldRule>,
    logic: restoreLogic as (deps: () => never) => ResourceLogic<unknown, unknown>,
  },
} as const;
type ResourceName = keyof typeof RESOURCES;
const RESOURCE_NAMES = Object.keys(RESOURCES) as ResourceName[];

function resourceSpec(name: ResourceName): SchemaResource {
  const spec = SCHEMA.resources[`dfcloud:index:${name}`];
  if (!spec) throw new Error(`schema.json has no resource ${name}`);
  return spec;
}

let model: TsModel;
const sides = new Map<ResourceName, ResourceSides>();

beforeAll(() => {
  model = new TsModel([
    "sdk/src/index.ts",
    ...Object.values(RESOURCES).map((resource) => resource.providerFile),
  ]);
  for (const name of RESOURCE_NAMES) {
    const { sdkFile, providerFile, rules } = RESOURCES[name];
    sides.set(name, {
      token: `dfcloud:index:${name}`,
      sdkArgs: model.interfaceProps(sdkFile, `${name}Args`, "strict"),
      sdkOutputs: model.outputProps(sdkFile, name, "loose"),
      zod: zodProps(rules),
      providerOutputs: model.typeProps(providerFile, `${name}Outputs`, "strict"),
    });
  }
}, 60_000);

function sidesOf(name: ResourceName): ResourceSides {
  const found = sides.get(name);
  if (!found) throw new Error(`no model of ${name}`);
  return found;
}

describe("schema.json, the SDK and the zod rules of check agree", () => {
  it("lists exactly the resources the SDK registers, under the SDK's type tokens", () => {
    expect(Object.keys(SCHEMA.resources)).toEqual(RESOURCE_NAMES.map((name) => `dfcloud:index:${name}`));
    for (const name of RESOURCE_NAMES) {
      expect(model.registeredType(RESOURCES[name].sdkFile, name)).toBe(`${SCHEMA.name}:${name}`);
    }
    expect([BACKUP_SCHEDULE_TYPE, BACKUP_TYPE, RESTORE_TYPE]).toEqual(
      RESOURCE_NAMES.map((name) => `pulumi-nodejs:dynamic/${SCHEMA.name}:${name}`),
    );
  });

  it.each(RESOURCE_NAMES)("%s: every input, output, required flag and type agrees", (name) => {
    expect(resourceDisagreements(SCHEMA, sidesOf(name))).toEqual([]);
  });

  it("reads the sides faithfully (spot checks of what the comparison sees)", () => {
    const schedule = sidesOf("BackupSchedule");
    expect(schedule.sdkArgs.get("days")).toEqual({
      required: true,
      type: "array<enum(fri|mon|sat|sun|thu|tue|wed)> | enum(every)",
    });
    expect(schedule.sdkArgs.get("hours")).toEqual({ required: true, type: "array<number> | enum(every)" });
    expect(schedule.sdkArgs.get("enabled")).toEqual({ required: false, type: "boolean" });
    expect(schedule.providerOutputs.get("days")?.type).toBe(
      "array<enum(fri|mon|sat|sun|thu|tue|wed)> | enum(every)",
    );
    expect(sidesOf("Restore").sdkArgs.get("acknowledgeDataLoss")).toEqual({
      required: true,
      type: "boolean",
    });
    expect(sidesOf("Restore").sdkOutputs.get("trigger")).toEqual({ required: false, type: "string" });
  });

  it("fails when a property is added, dropped or made optional in one place only", () => {
    const schema = structuredClone(SCHEMA);
    const backup = schema.resources["dfcloud:index:Backup"];
    if (!backup) throw new Error("no Backup");
    backup.inputProperties.tags = { type: "string" };
    delete backup.inputProperties.description;
    backup.requiredInputs = ["datastoreId"];
    (backup.properties ?? {}).region = { type: "integer" };
    expect(resourceDisagreements(schema, sidesOf("Backup"))).toEqual([
      'Backup input retentionDays: required in {"schema":false,"sdk":true,"zod":true}',
      "Backup input tags: missing in sdk and zod",
      "Backup input description: missing in schema",
      "Backup output region: schema type number but SDK type string",
      "Backup output region: schema type number but provider type string",
    ]);
  });

  it("the weekday enum is the provider's WEEKDAYS and the SDK's WeekdayName, in the API's order", () => {
    const weekday = SCHEMA.types["dfcloud:index:Weekday"];
    expect(weekday?.enum?.map((member) => member.value)).toEqual([...WEEKDAYS]);
    const alias = model.declaration("sdk/src/backup-schedule.ts", "WeekdayName", ts.isTypeAliasDeclaration);
    expect(model.nodeText(alias.type, "strict").text).toBe(`enum(${[...WEEKDAYS].sort().join("|")})`);
    expect(SCHEMA.types["dfcloud:index:Every"]?.enum?.map((member) => member.value)).toEqual(["every"]);
  });

  describe.each(RESOURCE_NAMES)("%s: the zod rules accept exactly the schema's values", (name) => {
    const spec = resourceSpec(name);
    const rules = RESOURCES[name].rules;

    it.each(Object.keys(spec.inputProperties))("%s", (input) => {
      const property = spec.inputProperties[input] as SchemaType;
      const rule = rules[input];
      if (!rule) throw new Error(`no zod rule for ${name}.${input}`);
      for (const value of validSamples(SCHEMA, property)) {
        expect(
          rule.schema.safeParse(value).success,
          `${name}.${input} accepts ${JSON.stringify(value)}`,
        ).toBe(true);
      }
      for (const value of invalidSamples(SCHEMA, property)) {
        expect(
          rule.schema.safeParse(value).success,
          `${name}.${input} refuses ${JSON.stringify(value)}`,
        ).toBe(false);
      }
      // The schema's default is what check fills in; no default means the input stays unset.
      if (!(spec.requiredInputs ?? []).includes(input)) {
        const parsed = rule.schema.safeParse(undefined);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(property.default);
      }
    });
  });

  it.each(RESOURCE_NAMES)(
    "%s: exactly the inputs marked willReplaceOnChanges replace the resource",
    async (name) => {
      const spec = resourceSpec(name);
      // diff never calls the API, so its dependencies are never resolved.
      const logic = RESOURCES[name].logic(() => {
        throw new Error("diff must not call the API");
      });
      const olds: Record<string, unknown> = {};
      for (const [input, property] of Object.entries(spec.inputProperties))
        olds[input] = validSamples(SCHEMA, property)[0];
      // A backup adopted through existingBackupId has that id as its own.
      if (name === "Backup") olds.backupId = olds.existingBackupId;
      const replacing = Object.entries(spec.inputProperties)
        .filter(([, property]) => property.willReplaceOnChanges)
        .map(([input]) => input);
      const seen: string[] = [];
      for (const input of Object.keys(spec.inputProperties)) {
        const news = { ...olds, [input]: changed(olds[input]) };
        const result = await logic.diff("id-1", olds, news);
        if (result.replaces?.includes(input)) seen.push(input);
      }
      expect(seen).toEqual(replacing);
    },
  );
});

describe("the SDK exposes every output schema.json documents", () => {
  beforeAll(async () => {
    // Mocks stand in for the engine: constructing a resource registers its properties synchronously.
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
      "schema-agreement",
      "test",
      false,
    );
  });

  it.each(RESOURCE_NAMES)(
    "%s: built with only its required inputs, every output is an Output",
    async (name) => {
      const spec = resourceSpec(name);
      const module = (await import(path.join(ROOT, RESOURCES[name].sdkFile))) as Record<string, unknown>;
      const ResourceClass = module[name] as new (
        resourceName: string,
        args: Record<string, unknown>,
      ) => object;
      const args: Record<string, unknown> = {};
      for (const input of spec.requiredInputs ?? []) {
        args[input] = validSamples(SCHEMA, spec.inputProperties[input] as SchemaType)[0];
      }
      const resource = new ResourceClass(`agreement-${name}`, args) as Record<string, unknown>;
      const missing = Object.keys(spec.properties ?? {}).filter(
        (output) => !pulumi.Output.isInstance(resource[output]),
      );
      expect(missing).toEqual([]);
    },
  );
});

describe("lookups: schema.json functions and types agree with the SDK's signatures", () => {
  const LOOKUPS = "sdk/src/lookups.ts";

  /** The schema function's arguments as the SDK passes them: one object, or positional values. */
  function schemaArguments(fn: SchemaFunction): Props {
    const inputs = schemaProps(SCHEMA, fn.inputs?.properties ?? {}, fn.inputs?.required ?? [], "strict");
    if (fn.multiArgumentInputs) return inputs;
    const required = (fn.inputs?.required ?? []).length > 0;
    return new Map([["(object)", { required, type: objectText(inputs) }]]);
  }

  function sdkArguments(params: Props, fn: SchemaFunction): Props {
    if (fn.multiArgumentInputs) return params;
    const [only] = [...params.values()];
    return new Map(only ? [["(object)", only]] : []);
  }

  it("lists exactly the SDK's lookup functions", () => {
    const exported = model
      .sourceFile(LOOKUPS)
      .statements.filter(ts.isFunctionDeclaration)
      .filter((fn) => fn.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword))
      .map((fn) => `dfcloud:index:${fn.name?.text}`);
    expect(Object.keys(SCHEMA.functions).sort()).toEqual(exported.sort());
  });

  it.each(Object.keys(SCHEMA.functions))("%s: arguments, their order and the result agree", (token) => {
    const fn = SCHEMA.functions[token] as SchemaFunction;
    const name = token.split(":")[2] ?? "";
    const signature = model.functionSignature(LOOKUPS, name, "strict");
    expect(sdkArguments(signature.params, fn)).toEqual(schemaArguments(fn));
    if (fn.multiArgumentInputs) expect([...signature.params.keys()]).toEqual(fn.multiArgumentInputs);
    expect(signature.returns).toBe(schemaTypeText(SCHEMA, fn.outputs ?? {}, "strict"));
  });

  it("the listBackups filter enums are the schema's BackupSource and BackupStatus, in TypeScript and zod", () => {
    const filter = model.functionSignature(LOOKUPS, "listBackups", "strict").params.get("filter")?.type;
    expect(filter).toContain("source?:enum(manual|scheduled)");
    expect(filter).toContain("status?:enum(failed|pending|ready)");
    const values = (token: string) => SCHEMA.types[token]?.enum?.map((member) => member.value);
    expect(values("dfcloud:index:BackupSource")).toEqual(BackupSourceSchema.options);
    expect(values("dfcloud:index:BackupStatus")).toEqual(BackupStatusSchema.options);
  });
});

describe("provider configuration", () => {
  it("declares apiKey (secret) and apiUrl, the same in config and on the provider", () => {
    expect(Object.keys(SCHEMA.config.variables)).toEqual(["apiKey", "apiUrl"]);
    expect(SCHEMA.provider.inputProperties).toEqual(
      Object.fromEntries(
        Object.entries(SCHEMA.config.variables).map(([key, spec]) => [
          key,
          // The provider's own description may drop the `pulumi config set` hint; all else is equal.
          { ...spec, description: SCHEMA.provider.inputProperties[key]?.description },
        ]),
      ),
    );
    expect(SCHEMA.config.variables.apiKey?.secret).toBe(true);
    expect(SCHEMA.config.variables.apiUrl?.secret).toBeUndefined();
    expect(SCHEMA.config.variables.apiUrl?.default).toBe(DEFAULT_API_URL);
  });

  it("the provider reads exactly the config keys and environment variables the schema names", () => {
    const asked: string[] = [];
    configure({
      get: (key) => {
        asked.push(key);
        return undefined;
      },
    });
    expect(asked).toEqual(Object.keys(SCHEMA.config.variables).map((key) => `${SCHEMA.name}:${key}`));

    const env = Object.fromEntries(
      Object.entries(SCHEMA.config.variables).map(([key, spec]) => [
        spec.defaultInfo?.environment[0] ?? "",
        `from-env-${key}`,
      ]),
    );
    expect(resolveCredentials({}, env)).toEqual({ apiKey: "from-env-apiKey", apiUrl: "from-env-apiUrl" });
    expect(resolveCredentials({ apiKey: "from-config" }, env).apiKey).toBe("from-config");
  });
});

describe("docs/reference is generated from schema.json", () => {
  it("regenerating gives exactly the pages on disk (run `node scripts/gen-docs.js` after editing schema.json)", () => {
    const pages = genDocs.renderDocs(SCHEMA);
    expect([...pages.keys()].sort()).toEqual([
      "backup-schedule.md",
      "backup.md",
      "get-backup.md",
      "get-datastore.md",
      "index.md",
      "list-backups.md",
      "restore.md",
    ]);
    expect(genDocs.stalePages(pages, genDocs.OUT_DIR)).toEqual([]);
    for (const content of pages.values()) expect(content.startsWith(genDocs.BANNER)).toBe(true);
  });

  it("a schema change shows up as a stale page", () => {
    const schema = structuredClone(SCHEMA);
    const restore = schema.resources["dfcloud:index:Restore"];
    if (!restore) throw new Error("no Restore");
    restore.inputProperties.note = { type: "string", description: "A new input." };
    expect(genDocs.stalePages(genDocs.renderDocs(schema), genDocs.OUT_DIR)).toEqual(["restore.md"]);
    expect(genDocs.renderDocs(schema).get("restore.md")).toContain(
      "| `note` | `string` | no |  | no | A new input. |",
    );
  });
});

// @ts-check
// Renders the reference examples (scripts/reference-examples.js) as whole programs in TypeScript
// (the dynamic SDK), Python and Go (the SDKs generated from schema.json) and Pulumi YAML (the
// schema's tokens), for scripts/gen-docs.js. Names and types come from schema.json as the SDK
// generators derive them: snake_case in Python, exported names and typed inputs in Go. Before
// rendering, an example is checked against the schema: every input it sets exists, every required
// input is set, and every output it reads exists.

const path = require("node:path");

/** The dynamic SDK's npm name, as its package.json says. */
const DYNAMIC_SDK = /** @type {{ name: string }} */ (
  require(path.join(__dirname, "..", "sdk", "package.json"))
).name;
/** The name each program gives the package it imports (TypeScript and Python). */
const ALIAS = "dfcloud";

/**
 * @typedef {import("./reference-examples").ReferenceExample} ReferenceExample
 * @typedef {import("./reference-examples").ResourceStep} ResourceStep
 * @typedef {import("./reference-examples").InvokeStep} InvokeStep
 * @typedef {import("./reference-examples").Value} Value
 * @typedef {import("./reference-examples").RefValue} RefValue
 * @typedef {{
 *   type?: string, $ref?: string, items?: TypeSpec, oneOf?: TypeSpec[], properties?: Record<string, TypeSpec>,
 *   required?: string[], enum?: { name?: string, value: unknown }[],
 * }} TypeSpec
 * @typedef {{ inputProperties?: Record<string, TypeSpec>, requiredInputs?: string[], properties?: Record<string, TypeSpec> }} ResourceSpec
 * @typedef {{ inputs?: { properties?: Record<string, TypeSpec>, required?: string[] }, multiArgumentInputs?: string[], outputs?: TypeSpec }} FunctionSpec
 * @typedef {{
 *   name: string, types?: Record<string, TypeSpec>, resources?: Record<string, ResourceSpec>,
 *   functions?: Record<string, FunctionSpec>,
 *   language?: { python?: { packageName?: string }, go?: { importBasePath?: string } },
 * }} Schema
 */

/** `dfcloud-backups:index:Backup` → `Backup`. */
function memberName(token) {
  return token.split(":").pop() ?? token;
}

/** `retentionDays` → `retention_days`, as the Python generator names properties and arguments. */
function snake(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** `retentionDays` → `RetentionDays`, as the Go generator names fields and functions. */
function title(name) {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** True for a `{ config: key }` value. */
function isConfig(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "config" in value;
}

/** True for a `{ ref: step }` value. */
function isRef(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "ref" in value;
}

/**
 * What the renderers need from schema.json, and one example's steps resolved against it.
 * @param {Schema} schema
 * @param {ReferenceExample} example
 * @param {string} member the resource or function the example belongs to (for messages)
 */
function resolve(schema, example, member) {
  /** @param {string} message */
  const fail = (message) => {
    throw new Error(`scripts/reference-examples.js, ${member}: ${message}`);
  };
  const resources = new Map(
    Object.entries(schema.resources ?? {}).map(([token, spec]) => [memberName(token), { token, spec }]),
  );
  const functions = new Map(
    Object.entries(schema.functions ?? {}).map(([token, spec]) => [memberName(token), { token, spec }]),
  );
  /** @type {string[]} */
  const configKeys = [];
  /** @type {Map<string, { kind: "resource" | "invoke", outputs: Record<string, TypeSpec> | undefined }>} */
  const steps = new Map();
  const used = new Set();

  /** The properties of a type, following a `$ref` to the schema's types. */
  const propertiesOf = (/** @type {TypeSpec | undefined} */ spec) => {
    if (!spec) return undefined;
    if (spec.$ref) return schema.types?.[spec.$ref.replace("#/types/", "")]?.properties;
    return spec.properties;
  };

  /** @param {Value} value */
  const visit = (value) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (isConfig(value)) {
      const key = /** @type {{ config: string }} */ (value).config;
      if (!/^[a-z][A-Za-z0-9]*$/.test(key)) fail(`config key ${key} is not a camelCase name`);
      if (!configKeys.includes(key)) configKeys.push(key);
    } else if (isRef(value)) {
      const { ref, property } = /** @type {RefValue} */ (value);
      const step = steps.get(ref);
      if (!step) fail(`${ref} is used before it is declared`);
      if (property !== undefined && !step?.outputs?.[property]) fail(`${ref} has no output ${property}`);
      if (property === undefined && step?.kind === "resource")
        fail(`a resource (${ref}) is read by one of its outputs`);
      used.add(ref);
    }
  };

  /** @param {Record<string, Value>} args @param {Record<string, TypeSpec>} inputs @param {string[]} required @param {string} what */
  const checkArgs = (args, inputs, required, what) => {
    for (const key of Object.keys(args)) if (!inputs[key]) fail(`${what} has no input ${key}`);
    for (const key of required) if (!(key in args)) fail(`${what} needs its required input ${key}`);
    Object.values(args).forEach(visit);
  };

  const resolved = example.steps.map((step) => {
    if (!/^[a-z][A-Za-z0-9]*$/.test(step.name)) fail(`step name ${step.name} is not a camelCase name`);
    if (steps.has(step.name)) fail(`two steps are named ${step.name}`);
    if ("resource" in step) {
      const found = resources.get(step.resource);
      if (!found) fail(`schema.json has no resource ${step.resource}`);
      const spec = /** @type {ResourceSpec} */ (found?.spec);
      checkArgs(step.args, spec.inputProperties ?? {}, spec.requiredInputs ?? [], step.resource);
      steps.set(step.name, { kind: "resource", outputs: spec.properties });
      return {
        step,
        kind: /** @type {const} */ ("resource"),
        token: found?.token ?? "",
        inputs: spec.inputProperties ?? {},
      };
    }
    const found = functions.get(step.invoke);
    if (!found) fail(`schema.json has no function ${step.invoke}`);
    const spec = /** @type {FunctionSpec} */ (found?.spec);
    checkArgs(step.args, spec.inputs?.properties ?? {}, spec.inputs?.required ?? [], step.invoke);
    if (Object.values(step.args).some(isRef))
      fail(`${step.invoke} takes an output: the dynamic SDK's lookups take plain values`);
    steps.set(step.name, { kind: "invoke", outputs: propertiesOf(spec.outputs) });
    return {
      step,
      kind: /** @type {const} */ ("invoke"),
      token: found?.token ?? "",
      inputs: spec.inputs?.properties ?? {},
      positional: spec.multiArgumentInputs,
    };
  });
  for (const [name, value] of Object.entries(example.exports)) {
    if (!/^[a-z][A-Za-z0-9]*$/.test(name)) fail(`export ${name} is not a camelCase name`);
    // TypeScript exports are declarations beside the program's own variables.
    if (steps.has(name) || configKeys.includes(name)) fail(`export ${name} has the name of a variable`);
    visit(value);
  }
  return { steps: resolved, exports: example.exports, configKeys, used, resources, schema };
}

/** @typedef {ReturnType<typeof resolve>} Resolved */

// ---------------------------------------------------------------------------------------------
// TypeScript: the dynamic SDK.

/** @param {Value} value */
function tsValue(value) {
  if (Array.isArray(value)) return `[${value.map(tsValue).join(", ")}]`;
  if (isConfig(value)) return /** @type {{ config: string }} */ (value).config;
  if (isRef(value)) {
    const { ref, property } = /** @type {RefValue} */ (value);
    return property === undefined ? ref : `${ref}.${property}`;
  }
  return JSON.stringify(value);
}

/** An object literal's entries, using the shorthand where a config variable has the key's name. */
function tsEntries(/** @type {Record<string, Value>} */ args) {
  return Object.entries(args).map(([key, value]) => {
    const text = tsValue(value);
    return text === key ? key : `${key}: ${text}`;
  });
}

/** @param {Resolved} example */
function typescript(example) {
  const needsPulumi = example.configKeys.length > 0 || example.steps.some((s) => s.kind === "invoke");
  const lines = [
    ...(needsPulumi ? ['import * as pulumi from "@pulumi/pulumi";'] : []),
    `import * as ${ALIAS} from "${DYNAMIC_SDK}";`,
    "",
  ];
  if (example.configKeys.length > 0) {
    lines.push("const config = new pulumi.Config();");
    for (const key of example.configKeys)
      lines.push(`const ${key} = config.require(${JSON.stringify(key)});`);
    lines.push("");
  }
  for (const { step, kind, positional } of example.steps) {
    if (step.comment) lines.push(`// ${step.comment}`);
    if (kind === "resource") {
      const resource = /** @type {ResourceStep} */ (step);
      const options = resource.options ? `, { ${tsEntries(resource.options).join(", ")} }` : "";
      lines.push(`const ${step.name} = new ${ALIAS}.${resource.resource}(${JSON.stringify(step.name)}, {`);
      for (const entry of tsEntries(step.args)) lines.push(`  ${entry},`);
      lines.push(`}${options});`);
    } else {
      const invoke = /** @type {InvokeStep} */ (step);
      // The dynamic SDK's lookups return promises; an Output of one reads like a resource's outputs.
      const args = positional
        ? positional.filter((key) => key in step.args).map((key) => tsValue(step.args[key]))
        : [`{ ${tsEntries(step.args).join(", ")} }`];
      lines.push(`const ${step.name} = pulumi.output(${ALIAS}.${invoke.invoke}(${args.join(", ")}));`);
    }
    lines.push("");
  }
  for (const [name, value] of Object.entries(/** @type {Record<string, RefValue>} */ (example.exports))) {
    lines.push(`export const ${name} = ${tsValue(value)};`);
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Python: the SDK generated from schema.json.

/** @param {Value} value */
function pyValue(value) {
  if (Array.isArray(value)) return `[${value.map(pyValue).join(", ")}]`;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (isConfig(value)) return snake(/** @type {{ config: string }} */ (value).config);
  if (isRef(value)) {
    const { ref, property } = /** @type {RefValue} */ (value);
    return property === undefined ? snake(ref) : `${snake(ref)}.${snake(property)}`;
  }
  return JSON.stringify(value);
}

/** @param {Resolved} example @param {string} packageName */
function python(example, packageName) {
  const lines = ["import pulumi", `import ${packageName} as ${ALIAS}`, ""];
  if (example.configKeys.length > 0) {
    lines.push("config = pulumi.Config()");
    for (const key of example.configKeys)
      lines.push(`${snake(key)} = config.require(${JSON.stringify(key)})`);
    lines.push("");
  }
  for (const { step, kind } of example.steps) {
    if (step.comment) lines.push(`# ${step.comment}`);
    const args = Object.entries(step.args).map(([key, value]) => `${snake(key)}=${pyValue(value)}`);
    if (kind === "resource") {
      const resource = /** @type {ResourceStep} */ (step);
      lines.push(`${snake(step.name)} = ${ALIAS}.${resource.resource}(`, `    ${JSON.stringify(step.name)},`);
      for (const arg of args) lines.push(`    ${arg},`);
      if (resource.options) {
        const options = Object.entries(resource.options).map(
          ([key, value]) => `${snake(key)}=${pyValue(value)}`,
        );
        lines.push(`    opts=pulumi.ResourceOptions(${options.join(", ")}),`);
      }
      lines.push(")");
    } else {
      // The *_output form takes inputs and returns an Output, whose attributes are the result's fields.
      const invoke = /** @type {InvokeStep} */ (step);
      const call = `${snake(step.name)} = ${ALIAS}.${snake(invoke.invoke)}_output(`;
      // On one line when it fits black's 88 columns, else one argument per line.
      if (`${call}${args.join(", ")})`.length <= 88) lines.push(`${call}${args.join(", ")})`);
      else lines.push(call, ...args.map((arg) => `    ${arg},`), ")");
    }
    lines.push("");
  }
  for (const [name, value] of Object.entries(/** @type {Record<string, RefValue>} */ (example.exports))) {
    lines.push(`pulumi.export(${JSON.stringify(name)}, ${pyValue(value)})`);
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Go: the SDK generated from schema.json.

/**
 * A value as the Go input its property takes (the generated Args struct's field type).
 * @param {Resolved} example
 * @param {Value} value
 * @param {TypeSpec} spec
 * @param {string} pkg the Go package name
 * @returns {string}
 */
function goValue(example, value, spec, pkg) {
  if (isConfig(value)) return `pulumi.String(${/** @type {{ config: string }} */ (value).config})`;
  if (isRef(value)) return goRef(example, /** @type {RefValue} */ (value));
  if (spec.oneOf) {
    // A union is pulumi.Input in Go: the member the value is.
    const member = spec.oneOf.find((candidate) =>
      Array.isArray(value) ? candidate.type === "array" : candidate.type !== "array",
    );
    if (!member) throw new Error(`no member of a union takes ${JSON.stringify(value)}`);
    return goValue(example, value, member, pkg);
  }
  if (spec.$ref) {
    const typeName = memberName(spec.$ref);
    const type = example.schema.types?.[spec.$ref.replace("#/types/", "")];
    const member = type?.enum?.find((candidate) => candidate.value === value);
    if (!member) throw new Error(`${JSON.stringify(value)} is not a value of ${typeName}`);
    return `${pkg}.${typeName}${member.name ? title(member.name) : `(${JSON.stringify(value)})`}`;
  }
  if (spec.type === "array") {
    if (!Array.isArray(value)) throw new Error(`${JSON.stringify(value)} is not an array`);
    const items = spec.items ?? {};
    const arrayType = items.$ref
      ? `${pkg}.${memberName(items.$ref)}Array`
      : `pulumi.${goScalar(items.type)}Array`;
    return `${arrayType}{${value.map((item) => goValue(example, item, items, pkg)).join(", ")}}`;
  }
  return `pulumi.${goScalar(spec.type)}(${JSON.stringify(value)})`;
}

/** The pulumi package's input type for a schema scalar type. */
function goScalar(/** @type {string | undefined} */ type) {
  const scalar = { string: "String", integer: "Int", number: "Float64", boolean: "Bool" }[type ?? ""];
  if (!scalar) throw new Error(`no Go input for schema type ${type}`);
  return scalar;
}

/** An output of a step: a resource's output field, or a method of a lookup's result. */
function goRef(/** @type {Resolved} */ example, /** @type {RefValue} */ { ref, property }) {
  if (property === undefined) return ref;
  const step = example.steps.find(({ step }) => step.name === ref);
  return step?.kind === "resource" ? `${ref}.${title(property)}` : `${ref}.${title(property)}()`;
}

/** `Key: value` lines of a composite literal, aligned as gofmt aligns them. */
function goFields(/** @type {[string, string][]} */ fields, /** @type {string} */ indent) {
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields.map(([key, value]) => `${indent}${key}:${" ".repeat(width - key.length + 1)}${value},`);
}

/**
 * The Go function a schema function is generated as: `getX` of a resource X is `LookupX` (a
 * resource already has the `GetX` that reads its state), any other `fooBar` is `FooBar`.
 */
function goFunction(/** @type {Resolved} */ example, /** @type {string} */ name) {
  const rest = name.slice(3);
  return name.startsWith("get") && example.resources.has(rest) ? `Lookup${rest}` : title(name);
}

/** @param {Resolved} example @param {string} importPath */
function go(example, importPath) {
  const pkg = importPath.split("/").pop() ?? "";
  const imports = [importPath, "github.com/pulumi/pulumi/sdk/v3/go/pulumi"];
  if (example.configKeys.length > 0) imports.push("github.com/pulumi/pulumi/sdk/v3/go/pulumi/config");
  const body = [];
  for (const key of example.configKeys) body.push(`${key} := config.Require(ctx, ${JSON.stringify(key)})`);
  let errDeclared = false;
  for (const { step, kind, inputs, positional } of example.steps) {
    if (step.comment) body.push(`// ${step.comment}`);
    const fields = /** @type {[string, string][]} */ (
      Object.entries(step.args).map(([key, value]) => [
        title(key),
        goValue(example, value, inputs[key] ?? {}, pkg),
      ])
    );
    if (kind === "resource") {
      const resource = /** @type {ResourceStep} */ (step);
      // Go refuses a variable that is never read, and `:=` with no new variable on its left.
      const target = example.used.has(step.name)
        ? `${step.name}, err :=`
        : errDeclared
          ? "_, err ="
          : "_, err :=";
      errDeclared = true;
      const options = Object.entries(resource.options ?? {}).map(
        ([key, value]) => `, pulumi.${title(key)}(${value})`,
      );
      body.push(
        `${target} ${pkg}.New${resource.resource}(ctx, ${JSON.stringify(step.name)}, &${pkg}.${resource.resource}Args{`,
      );
      body.push(...goFields(fields, "\t"));
      body.push(`}${options.join("")})`, "if err != nil {", "\treturn err", "}");
    } else {
      const invoke = /** @type {InvokeStep} */ (step);
      const target = example.used.has(step.name) ? `${step.name} :=` : "_ =";
      const fn = `${pkg}.${goFunction(example, invoke.invoke)}Output`;
      if (positional) {
        const args = positional
          .filter((key) => key in step.args)
          .map((key) => goValue(example, step.args[key], inputs[key] ?? {}, pkg));
        body.push(`${target} ${fn}(ctx, ${args.join(", ")})`);
      } else {
        body.push(
          `${target} ${fn}(ctx, ${pkg}.${title(invoke.invoke)}OutputArgs{`,
          ...goFields(fields, "\t"),
          "})",
        );
      }
    }
  }
  for (const [name, value] of Object.entries(/** @type {Record<string, RefValue>} */ (example.exports))) {
    body.push(`ctx.Export(${JSON.stringify(name)}, ${goRef(example, value)})`);
  }
  body.push("return nil");
  return [
    "package main",
    "",
    "import (",
    ...imports.map((line) => `\t"${line}"`),
    ")",
    "",
    "func main() {",
    "\tpulumi.Run(func(ctx *pulumi.Context) error {",
    ...body.map((line) => `\t\t${line}`),
    "\t})",
    "}",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Pulumi YAML: the schema's tokens.

/** A YAML scalar: plain where YAML reads it back as the same string, else double-quoted. */
function yamlScalar(/** @type {string | number | boolean} */ value) {
  if (typeof value !== "string") return String(value);
  const plain =
    /^[A-Za-z$][A-Za-z0-9${}._/-]*( [A-Za-z0-9${}._/-]+)*$/.test(value) &&
    !/^(true|false|yes|no|on|off|null|y|n)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

/** @param {Value} value */
function yamlValue(value) {
  if (Array.isArray(value)) return `[${value.map(yamlScalar).join(", ")}]`;
  if (isConfig(value)) return `\${${/** @type {{ config: string }} */ (value).config}}`;
  if (isRef(value)) {
    const { ref, property } = /** @type {RefValue} */ (value);
    return property === undefined ? `\${${ref}}` : `\${${ref}.${property}}`;
  }
  return yamlScalar(value);
}

/** @param {Resolved} example @param {string} project */
function yaml(example, project) {
  const lines = [`name: ${project}`, "runtime: yaml"];
  if (example.configKeys.length > 0) {
    lines.push("config:");
    for (const key of example.configKeys) lines.push(`  ${key}:`, "    type: string");
  }
  const resources = example.steps.filter((s) => s.kind === "resource");
  const invokes = example.steps.filter((s) => s.kind === "invoke");
  if (resources.length > 0) {
    lines.push("resources:");
    for (const { step, token } of resources) {
      const resource = /** @type {ResourceStep} */ (step);
      if (step.comment) lines.push(`  # ${step.comment}`);
      lines.push(`  ${step.name}:`, `    type: ${token}`, "    properties:");
      for (const [key, value] of Object.entries(step.args)) lines.push(`      ${key}: ${yamlValue(value)}`);
      if (resource.options) {
        lines.push("    options:");
        for (const [key, value] of Object.entries(resource.options)) lines.push(`      ${key}: ${value}`);
      }
    }
  }
  if (invokes.length > 0) {
    lines.push("variables:");
    for (const { step, token } of invokes) {
      if (step.comment) lines.push(`  # ${step.comment}`);
      lines.push(`  ${step.name}:`, "    fn::invoke:", `      function: ${token}`, "      arguments:");
      for (const [key, value] of Object.entries(step.args)) lines.push(`        ${key}: ${yamlValue(value)}`);
    }
  }
  lines.push("outputs:");
  for (const [name, value] of Object.entries(/** @type {Record<string, RefValue>} */ (example.exports))) {
    lines.push(`  ${name}: ${yamlValue(value)}`);
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// What the Python SDK cannot do yet.

/** True when a type is a union with a list among its members (`"every"` or a list). */
function isListUnion(/** @type {TypeSpec | undefined} */ spec) {
  return Boolean(spec?.oneOf?.some((member) => member.type === "array"));
}

/**
 * The list unions an example sends a list to, or reads back: the Pulumi Python SDK raises
 * `Unexpected type. Expected 'list'` for a list in a property whose type is a union (it looks for
 * the element type of a list type and finds a union), on the way in and on the way out. Names of
 * the properties, each once, in the order met.
 * @param {Schema} schema
 * @param {ReferenceExample} example
 * @param {string} member
 * @returns {string[]}
 */
function pythonListUnions(schema, example, member) {
  const resolved = resolve(schema, example, member);
  /** @type {string[]} */
  const found = [];
  const add = (/** @type {string} */ name) => {
    if (!found.includes(name)) found.push(name);
  };
  /** Every list union in a type, following references to object types. */
  const visit = (
    /** @type {string} */ name,
    /** @type {TypeSpec | undefined} */ spec,
    /** @type {Set<string>} */ seen,
  ) => {
    if (!spec) return;
    if (isListUnion(spec)) add(name);
    if (spec.items) visit(name, spec.items, seen);
    const ref = spec.$ref?.replace("#/types/", "");
    const properties = ref ? (seen.has(ref) ? undefined : schema.types?.[ref]?.properties) : spec.properties;
    for (const [key, property] of Object.entries(properties ?? {}))
      visit(key, property, new Set([...seen, ref ?? ""]));
  };
  for (const { step, inputs } of resolved.steps) {
    for (const [key, value] of Object.entries(step.args))
      if (Array.isArray(value) && isListUnion(inputs[key])) add(key);
  }
  for (const value of Object.values(resolved.exports)) {
    const step = resolved.steps.find((candidate) => candidate.step.name === value.ref);
    const outputs = step?.kind === "resource" ? schema.resources?.[step.token]?.properties : undefined;
    const result = step?.kind === "invoke" ? schema.functions?.[step.token]?.outputs : undefined;
    if (value.property === undefined) visit("", result, new Set());
    else
      visit(
        value.property,
        outputs?.[value.property] ??
          result?.properties?.[value.property] ??
          propertyOf(schema, result, value.property),
        new Set(),
      );
  }
  return found.filter((name) => name !== "");
}

/** A property of a function's result type, when the result is a reference to an object type. */
function propertyOf(
  /** @type {Schema} */ schema,
  /** @type {TypeSpec | undefined} */ result,
  /** @type {string} */ name,
) {
  const ref = result?.$ref?.replace("#/types/", "");
  return ref ? schema.types?.[ref]?.properties?.[name] : undefined;
}

/**
 * One example as a program in each language, checked against the schema first.
 * @param {Schema} schema the parsed schema.json
 * @param {ReferenceExample} example
 * @param {string} member the resource or function it belongs to
 * @param {string} project the Pulumi YAML project's name
 * @returns {{
 *   configKeys: string[], pythonListUnions: string[], typescript: string, python: string, go: string, yaml: string,
 * }}
 */
function renderExample(schema, example, member, project) {
  const resolved = resolve(schema, example, member);
  const pythonPackage = schema.language?.python?.packageName;
  const goImport = schema.language?.go?.importBasePath;
  if (!pythonPackage || !goImport) throw new Error("schema.json names no Python package or Go import path");
  return {
    configKeys: resolved.configKeys,
    pythonListUnions: pythonListUnions(schema, example, member),
    typescript: typescript(resolved),
    python: python(resolved, pythonPackage),
    go: go(resolved, goImport),
    yaml: yaml(resolved, project),
  };
}

module.exports = { renderExample, pythonListUnions, DYNAMIC_SDK };

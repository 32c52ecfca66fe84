/**
 * The files derived from the package contract, by path from the repository root. `make schema`
 * writes them (scripts/gen-contract.js); tests/unit/generated.test.ts fails when one on disk differs.
 * docs/reference/ is derived from schema.json in turn (scripts/gen-docs.js).
 */
import { PACKAGE_CONTRACT } from "../registry";
import {
  type PackageContract,
  renderSchemaText,
  renderSdkResource,
  renderSdkTypes,
  sdkResourceFile,
} from "./render";

/** Every generated file of `pkg` and its content. */
export function derivedFiles(pkg: PackageContract = PACKAGE_CONTRACT): Map<string, string> {
  const files = new Map<string, string>();
  files.set("schema.json", renderSchemaText(pkg));
  files.set("sdk/src/types.ts", renderSdkTypes(pkg));
  for (const resource of pkg.resources)
    files.set(`sdk/src/${sdkResourceFile(resource)}`, renderSdkResource(resource));
  return files;
}

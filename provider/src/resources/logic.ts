/**
 * The dynamic-provider contract as our resource logic sees it. These mirror the shapes of
 * `pulumi.dynamic.ResourceProvider` structurally, so the implementation package needs no Pulumi
 * import (the layers are: client → resource logic → thin Pulumi classes in the sdk).
 */

/** One problem with one input property; Pulumi prints it at preview and stops. */
export interface CheckFailure {
  /** The top-level input property, e.g. `hours`. */
  property: string;
  /** What is wrong and what is allowed. */
  reason: string;
}

/** Result of `check`: the normalised inputs, or the failures. */
export interface CheckResult<Inputs> {
  inputs?: Inputs;
  failures?: CheckFailure[];
}

/** Result of `diff`. `changes` is always set: leaving it out makes the engine guess (DIFF_UNKNOWN). */
export interface DiffResult {
  changes: boolean;
  /**
   * The inputs that changed, compared in the logic's normalised terms (`["Mon"]` and `["mon"]` are no
   * change): what the engine shows property by property (the native plugin's detailedDiff). Each is an
   * update unless `replaces` names it. Empty when nothing changed, and when the verdict rests on no
   * input (a Restore still `restoring` has work left with every input as it was).
   */
  changed: string[];
  /** The inputs whose change replaces the resource; a subset of `changed`. */
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

/** Result of `create`. */
export interface CreateResult<Outputs> {
  id: string;
  outs: Outputs;
}

/** Result of `read`. An empty `id` drops the resource from state (pulumi/pulumi#20186). */
export interface ReadResult<Outputs, Inputs> {
  id: string;
  props?: Outputs;
  inputs?: Inputs;
}

/** Result of `update`: the full new outputs (missing outs would shrink state, pulumi/pulumi#13983). */
export interface UpdateResult<Outputs> {
  outs: Outputs;
}

/** The config a dynamic provider receives in `configure` (the whole stack config, decrypted). */
export interface ProviderConfig {
  get(key: string): string | undefined;
}

/** Everything a resource's logic implements, over one kind of inputs and outputs. */
export interface ResourceLogic<Inputs, Outputs> {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult<Inputs>>;
  diff(id: string, olds: Outputs, news: Inputs): Promise<DiffResult>;
  create(inputs: Inputs): Promise<CreateResult<Outputs>>;
  read(id: string, props: Outputs): Promise<ReadResult<Outputs, Inputs>>;
  update(id: string, olds: Outputs, news: Inputs): Promise<UpdateResult<Outputs>>;
  delete(id: string, props: Outputs): Promise<void>;
}

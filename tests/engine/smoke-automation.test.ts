/**
 * Proves the real Pulumi engine runs offline through the Automation API: an inline program with a
 * trivial dynamic resource goes through preview → up → preview (no changes) → refresh → destroy,
 * and each step reports exactly the expected change (not merely exit code 0).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { beforeAll, describe, expect, it } from "vitest";
import { inlineStack, stepRecorder } from "./harness";

describe("the real engine through the Automation API (inline program)", () => {
  let stack: Stack;

  beforeAll(async () => {
    const provider: pulumi.dynamic.ResourceProvider = {
      async create(inputs) {
        return { id: `thing-${inputs.name}`, outs: { name: inputs.name } };
      },
    };
    class Thing extends pulumi.dynamic.Resource {}
    ({ stack } = await inlineStack("smoke", async () => {
      const thing = new Thing(provider, "thing", { name: "one" });
      return { id: thing.id };
    }));
  });

  it("previews one create, creates it, then sees no change, refreshes and destroys it", async () => {
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    expect(preview.counts).toEqual({ create: 1 });

    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges).toEqual({ create: 2 }); // the stack and the resource (providers are not counted)
    expect(up.outputs.id?.value).toBe("thing-one");

    const again = stepRecorder();
    await stack.preview({ onEvent: again.onEvent });
    expect(again.counts).toEqual({});

    const refresh = await stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    expect(refresh.summary.resourceChanges).toEqual({ same: 2 });

    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
  });
});

/** The RestoreDrill resource: its contract, its logic and its messages. */
export * from "./contract";
export { CLEANUP_BUDGET_MS, restoreDrillLogic, TEMPORARY_NAME_PREFIX } from "./logic";
export * as restoreDrillMessages from "./messages";

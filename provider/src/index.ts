export * from "./resources/schedule-spec";
export * from "./resources/unknowns";

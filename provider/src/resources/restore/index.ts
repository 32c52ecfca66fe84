/** The Restore resource: its contract, its logic (and the rules it judges a datastore by) and its messages. */
export * from "./contract";
export { alreadyLoadedProblem, markerProblem, rerunProblem, restoreLogic, restoreProblem } from "./logic";
export { newMarkerValue } from "./marker";
export * as restoreMessages from "./messages";

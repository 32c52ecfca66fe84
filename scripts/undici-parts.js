// What the native plugin's bundle (scripts/bundle-plugin.js) gives provider/src/client/http.ts for
// `import { Agent } from "undici"`: undici's connection pool and its `request` method, from undici's
// own modules. undici's entry point loads all of undici — fetch, WebSocket, caches, mocks — and with
// them Node's web streams, worker threads and performance hooks, which the plugin (whose V8 flags
// leave Node's modules without their code cache) would compile on the first API call of every
// command: about 30 ms. The entry point adds `request` and the other API methods to every
// dispatcher; this adds `request` alone. The dynamic SDK, installed from npm with any undici 8, keeps
// importing the entry point: these module paths are undici's internals, fixed here by the lockfile.
const Dispatcher = require("undici/lib/dispatcher/dispatcher");
const Agent = require("undici/lib/dispatcher/agent");

if (typeof Dispatcher.prototype.request !== "function") {
  Dispatcher.prototype.request = require("undici/lib/api/api-request");
}

module.exports = { Agent };

/**
 * A real HTTP server on 127.0.0.1 whose answers a test scripts, for client behaviour that the emulator
 * cannot be made to show on demand (an echoed Authorization header, a server that ignores the
 * Idempotency-Key, a malformed body). No HTTP mocking: the client's real undici transport talks to it.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
}

/** How the server answers one request. */
export type Reply =
  | { status: number; json?: unknown; text?: string; headers?: Record<string, string> }
  /** Destroy the socket without answering (the change, if any, already happened). */
  | "drop"
  /** Never answer. */
  | "hang";

/** Decides the reply to the `index`-th request (from 0). */
export type Script = (request: ReceivedRequest, index: number) => Reply | Promise<Reply>;

/** A running scripted server. */
export interface ScriptedServer {
  url: string;
  /** Every request received, in order. */
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a server on an ephemeral loopback port.
 * @param now the server's clock, sent in every answer's `Date` header as a real API does (the client
 *   judges server-side instants on it); default the real time, as Node sends it
 */
export async function startScriptedServer(script: Script, now?: () => number): Promise<ScriptedServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const request = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: raw === "" ? undefined : JSON.parse(raw),
    };
    requests.push(request);
    const reply = await script(request, requests.length - 1);
    if (reply === "drop") return void req.socket.destroy();
    if (reply === "hang") return;
    const body = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
    const date = now ? { date: new Date(now()).toUTCString() } : {};
    res.writeHead(reply.status, { "content-type": "application/json", ...date, ...reply.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Answers with one reply after another; the last one repeats. */
export function sequence(...replies: [Reply, ...Reply[]]): Script {
  return (_request, index) => replies[Math.min(index, replies.length - 1)] ?? "hang";
}

// The official `openai` package against a logprobs4j server, unchanged: chat.completions.create with
// and without stream, and the legacy completions.create with echo.
// Usage: node openai-logprobs.mjs BASE_URL MODEL API_KEY PROMPT. Prints one JSON object on stdout.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NPM_DIR, "package.json"));
const OpenAI = require("openai");
const Client = OpenAI.default ?? OpenAI;

const [baseURL, model, apiKey, prompt] = process.argv.slice(2);
const client = new Client({ baseURL, apiKey, maxRetries: 0 });
const request = { model, messages: [{ role: "user", content: prompt }], logprobs: true, top_logprobs: 3, temperature: 0, seed: 7 };

const whole = await client.chat.completions.create(request);
const out = {
  create: {
    object: whole.object,
    content: whole.choices[0].message.content,
    logprobs: whole.choices[0].logprobs.content,
    finish_reason: whole.choices[0].finish_reason,
    usage: whole.usage,
  },
};

const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
let content = "";
const logprobs = [];
const objects = new Set();
let finish = null;
let usage = null;
let firstLogprobs;
for await (const chunk of stream) {
  objects.add(chunk.object);
  if (chunk.usage) usage = chunk.usage;
  for (const c of chunk.choices) {
    if (firstLogprobs === undefined) firstLogprobs = c.logprobs;
    content += c.delta.content ?? "";
    if (c.logprobs?.content) logprobs.push(...c.logprobs.content);
    if (c.finish_reason) finish = c.finish_reason;
  }
}
out.stream = { objects: [...objects], content, logprobs, finish_reason: finish, usage, firstLogprobs };

let error;
try {
  await client.chat.completions.create({ ...request, model: "no-such-model" });
} catch (e) {
  error = { status: e.status, code: e.code, type: e.type, param: e.param ?? null };
}
out.error = error;
process.stdout.write(JSON.stringify(out));

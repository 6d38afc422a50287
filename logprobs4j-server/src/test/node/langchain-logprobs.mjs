// LangChain's "how to get log probabilities" guide against a logprobs4j server, with the official
// @langchain/openai client, unchanged. Usage: node langchain-logprobs.mjs BASE_URL MODEL API_KEY PROMPT
// Modules resolve from $NPM_DIR (tools/npm). Prints one JSON object on stdout.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NPM_DIR, "package.json"));
const { ChatOpenAI } = require("@langchain/openai");
const { concat } = require("@langchain/core/utils/stream");

const [baseURL, model, apiKey, prompt] = process.argv.slice(2);
const llm = new ChatOpenAI({ model, apiKey, configuration: { baseURL }, logprobs: true, topLogprobs: 3, temperature: 0, maxRetries: 0 });

const msg = await llm.invoke([["human", prompt]]);
const out = {
  invoke: { content: msg.content, logprobs: msg.response_metadata.logprobs.content, finish_reason: msg.response_metadata.finish_reason },
};

let full;
const sizes = [];
for await (const chunk of await llm.stream([["human", prompt]])) {
  full = full === undefined ? chunk : concat(full, chunk);
  const lp = full.response_metadata?.logprobs?.content;
  sizes.push(lp === undefined ? null : lp.length);
}
out.stream = { content: full.content, logprobs: full.response_metadata.logprobs.content, sizes, usage: full.usage_metadata ?? null };
process.stdout.write(JSON.stringify(out));

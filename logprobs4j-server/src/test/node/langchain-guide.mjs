// LangChain's logprobs guide as written for OpenAI (model "gpt-3.5-turbo-0125"), with only the base
// URL changed, against a logprobs4j server serving one other model. Works with @langchain/openai
// 0.6.x and 1.x: $NPM_DIR picks the install. Usage: node langchain-guide.mjs BASE_URL API_KEY PROMPT
// Prints one JSON object on stdout.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NPM_DIR, "package.json"));
const { ChatOpenAI } = require("@langchain/openai");
const { concat } = require("@langchain/core/utils/stream");
const version = require("@langchain/openai/package.json").version;

const [baseURL, apiKey, prompt] = process.argv.slice(2);
const llm = new ChatOpenAI({ model: "gpt-3.5-turbo-0125", logprobs: true, apiKey, configuration: { baseURL }, maxRetries: 0 });

const msg = await llm.invoke([["human", prompt]]);
let full;
for await (const chunk of await llm.stream([["human", prompt]])) {
  full = full === undefined ? chunk : concat(full, chunk);
}
process.stdout.write(JSON.stringify({
  version,
  invoke: { content: msg.content, model: msg.response_metadata.model_name ?? msg.response_metadata.model,
            logprobs: msg.response_metadata.logprobs.content },
  stream: { content: full.content, logprobs: full.response_metadata.logprobs?.content ?? null },
}));

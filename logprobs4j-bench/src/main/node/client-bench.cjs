// Node peer of JavaClientWorker: streams the replayed answers with the official `openai` client
// (collecting content and logprobs by hand, as its docs show) or with @langchain/openai's ChatOpenAI
// (folding chunks with concat, as LangChain's logprobs guide does), and prints process CPU
// microseconds per token as `RESULT cpu_<tokens> <us>` after warm-up runs.
// Usage: node client-bench.cjs <openai|langchain> <npmDir> <port> <top> <warmup> <runs> <sizes,...>
'use strict';
const path = require('node:path');
const [client, npmDir, port, top, warmup, runs, sizes] = process.argv.slice(2);
const load = (name) => require(require.resolve(name, { paths: [path.resolve(npmDir)] }));

// One client per stream length (the length is in the base URL), created before the timed runs.
const clients = new Map();
function clientFor(n, make) {
  if (!clients.has(n)) clients.set(n, make(`http://127.0.0.1:${port}/t/${n}`));
  return clients.get(n);
}

async function viaOpenAi(n) {
  const OpenAI = load('openai').default ?? load('openai');
  const api = clientFor(n, (baseURL) => new OpenAI({ baseURL, apiKey: 'x', maxRetries: 0 }));
  const stream = await api.chat.completions.create({
    model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true,
    stream_options: { include_usage: true }, logprobs: true, top_logprobs: Number(top),
  });
  let content = '';
  const logprobs = [];
  for await (const chunk of stream) {
    const c = chunk.choices[0];
    if (c) {
      content += c.delta?.content ?? '';
      if (c.logprobs?.content) logprobs.push(...c.logprobs.content);
    }
  }
  return logprobs;
}

async function viaLangChain(n) {
  const { ChatOpenAI } = load('@langchain/openai');
  const llm = clientFor(n, (baseURL) => new ChatOpenAI({
    model: 'gpt-4o-mini', apiKey: 'x', maxRetries: 0, logprobs: true, topLogprobs: Number(top),
    configuration: { baseURL },
  }));
  let full;
  for await (const chunk of await llm.stream('hi')) {
    full = full === undefined ? chunk : full.concat(chunk);
  }
  return full.response_metadata.logprobs.content;
}

async function once(n) {
  const lps = client === 'openai' ? await viaOpenAi(n) : await viaLangChain(n);
  if (lps.length !== n || lps[n - 1].top_logprobs.length !== Number(top)) {
    throw new Error(`${client}: aggregated ${lps.length} token logprobs, expected ${n}`);
  }
}

(async () => {
  const list = sizes.split(',').map(Number);
  for (let w = 0; w < Number(warmup); w++) for (const n of list) await once(n);
  for (let r = 0; r < Number(runs); r++) {
    for (const n of list) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await once(n);
      const t1 = process.hrtime.bigint();
      const c = process.cpuUsage(c0);
      console.log(`RESULT cpu_${n} ${((c.user + c.system) / n).toFixed(4)}`);
      console.log(`RESULT wall_${n} ${(Number(t1 - t0) / 1e3 / n).toFixed(4)}`);
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });

// The bridge from tests/real_account/simulator.py to @cloud-copilot/iam-simulate (package.json pins it).
//
// Reads one JSON document per line from stdin: {"simulations": [Simulation, ...]} in the library's own
// shape (its README and simulation.d.ts), and answers each line with one line on stdout:
// {"results": [{"result", "errors", "ignoredContextKeys", "analysis"?}, ...]}, in the same order.
// "result" is the library's overall result (Allowed, ExplicitlyDenied, ImplicitlyDenied) or "Error" with
// the library's validation errors. The analysis (which statements decided) is included only for a
// simulation that asks for it with "explain": true, to keep the answers small.
// The process serves batches until stdin closes, so one Node process evaluates a whole test session.

import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

async function simulate(simulation) {
  const { explain, ...input } = simulation
  const response = await runSimulation(input, { simulationMode: 'Strict' })
  if (response.resultType === 'error') {
    return { result: 'Error', errors: response.errors }
  }
  const results = response.resultType === 'single' ? [response.result] : response.results
  const answer = {
    result: response.overallResult,
    ignoredContextKeys: [...new Set(results.flatMap((result) => result.ignoredContextKeys ?? []))]
  }
  return explain ? { ...answer, analysis: response } : answer
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (!line.trim()) continue
  const { simulations } = JSON.parse(line)
  const results = []
  for (const simulation of simulations) {
    try {
      results.push(await simulate(simulation))
    } catch (error) {
      results.push({ result: 'Error', errors: { message: String(error?.stack ?? error) } })
    }
  }
  process.stdout.write(JSON.stringify({ results }) + '\n')
}

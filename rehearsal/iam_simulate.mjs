// The bridge from rehearsal/iam_simulator.py to @cloud-copilot/iam-simulate (package.json pins it).
//
// Reads one JSON document per line from stdin: {"simulations": [Simulation, ...]} in the library's own
// shape (its README and simulation.d.ts), and answers each line with one line on stdout:
// {"results": [{"result", "errors", "ignoredContextKeys", "corrected", "analysis"?}, ...]}, in the same
// order. "result" is the library's overall result (Allowed, ExplicitlyDenied, ImplicitlyDenied) or
// "Error" with the library's validation errors. The analysis (which statements decided) is included only
// for a simulation that asks for it with "explain": true, to keep the answers small.
// The process serves batches until stdin closes, so one Node process evaluates a whole test session.

import { createInterface } from 'node:readline'
import { createValidatedPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy'
import {
  allowedContextKeysForRequest,
  isConditionKeyArray,
  runSimulation,
  runUnsafeSimulation,
  typeForContextKey
} from '@cloud-copilot/iam-simulate'

// The one correction to the library (0.1.173), kept until a release fixes it; test_real_account_simulator.py
// fails once the library gets it right. The library drops a context key the action does carry when the
// key's name holds a variable after a colon, as KMS's `kms:EncryptionContext:${EncryptionContextKey}` does
// (the Service Authorization Reference lists it for GenerateDataKey, Decrypt and the other cryptographic
// operations, and the library's own data too): it matches a variable only after a slash, as in
// `aws:ResourceTag/${TagKey}`. A key policy that lets CloudWatch Logs use a key for one log group only
// (`kms:EncryptionContext:aws:logs:arn`, as the CloudWatch Logs User Guide writes it) then denies the
// group it names. Such keys are put back, and the call evaluated with the context the library would
// otherwise have used.
async function wronglyDropped(input, ignored) {
  const [service, action] = input.request.action.split(':')
  const carried = await allowedContextKeysForRequest(service, action, input.request.resource.resource, false)
  const prefixes = carried.filter((key) => /:\$\{[^}]+\}$/.test(key)).map((key) => key.slice(0, key.indexOf('${')))
  return ignored.filter((key) => prefixes.some((prefix) => key.toLowerCase().startsWith(prefix) && key.length > prefix.length))
}

async function normalized(context, dropped) {
  const kept = {}
  for (const [key, value] of Object.entries(context)) {
    if (dropped.includes(key)) continue
    const type = await typeForContextKey(key.toLowerCase()).catch(() => undefined)
    kept[key] = type && isConditionKeyArray(type) ? [value].flat() : value
  }
  return kept
}

async function simulate(simulation) {
  const { explain, raw, ...input } = simulation
  const response = await runSimulation(input, { simulationMode: 'Strict' })
  if (response.resultType === 'error') {
    return { result: 'Error', errors: response.errors }
  }
  const results = response.resultType === 'single' ? [response.result] : response.results
  const ignored = [...new Set(results.flatMap((result) => result.ignoredContextKeys ?? []))]
  const answer = { result: response.overallResult, ignoredContextKeys: ignored, corrected: [] }
  const restored = raw ? [] : await wronglyDropped(input, ignored)
  if (restored.length > 0) {
    const stillIgnored = ignored.filter((key) => !restored.includes(key))
    const contextVariables = await normalized(input.request.contextVariables, stillIgnored)
    const request = { ...input.request, contextVariables }
    // runUnsafeSimulation loads a plain resource policy without the name its analysis reads: give it one.
    const resourcePolicy = input.resourcePolicy
      ? createValidatedPolicy(input.resourcePolicy, validateResourcePolicy, { name: 'resource' })
      : undefined
    answer.result = runUnsafeSimulation({ ...input, request, resourcePolicy }, { simulationMode: 'Strict' })
    answer.ignoredContextKeys = stillIgnored
    answer.corrected = restored
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

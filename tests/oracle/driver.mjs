// Test-only driver for the evaluation oracle (see README.md in this folder).
// Reads one JSON array of iam-simulate `Simulation` objects on stdin and writes one JSON array
// of answers on stdout, in the same order: {"decision": "Allowed" | "ExplicitlyDenied" |
// "ImplicitlyDenied"} or {"error": "..."} when the oracle refused the case.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const answers = []
for (const simulation of cases) {
  try {
    const r = await runSimulation(simulation, {})
    if (r.resultType === 'error') {
      answers.push({ error: JSON.stringify(r.errors).slice(0, 400) })
    } else {
      answers.push({ decision: r.overallResult })
    }
  } catch (e) {
    answers.push({ error: String(e && e.message ? e.message : e) })
  }
}
process.stdout.write(JSON.stringify(answers))

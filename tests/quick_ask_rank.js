// Runs the site's "Hỏi nhanh" matcher (generator/webapp/hoi-nhanh.js, unchanged) on questions from stdin:
// {"index": <hoi-nhanh.<lang>.json>, "questions": ["…"], "audience": ""} -> [[id, id, id], …] on stdout.
const matcher = require(process.argv[2]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { index, questions, audience } = JSON.parse(input);
  const prepared = matcher.prepare(index);
  const ranked = questions.map((q) => matcher.search(prepared, q, audience || "").map((r) => r.entry.id));
  const folded = questions.map((q) => matcher.fold(q));
  process.stdout.write(JSON.stringify({ ranked, folded }));
});

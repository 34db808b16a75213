"""Math-Verify (the Python package `math-verify`) as an oracle for the workbench's TypeScript MATH grader, in tests only.

Reads JSON lines on stdin: {"id": ..., "gold": "<answer LaTeX>", "prediction": "<text>", "mode": "answer" | "output"}.
- mode "answer": the prediction is an extracted answer; both sides are parsed as math ("$...$"), as Math-Verify's
  README parses a gold answer.
- mode "output": the prediction is a whole model output; Math-Verify extracts the answer itself.
Writes one JSON line per input: {"id": ..., "correct": true | false}. A comparison that raises or times out is false,
as Math-Verify's own verify() returns by default.
"""
import json
import sys

from math_verify import parse, verify


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        try:
            gold = parse(f"${item['gold']}$")
            prediction = parse(f"${item['prediction']}$" if item.get("mode", "answer") == "answer" else item["prediction"])
            correct = bool(verify(gold, prediction))
        except Exception:  # noqa: BLE001 - an oracle answer of "not verified", as verify() gives for its own errors
            correct = False
        sys.stdout.write(json.dumps({"id": item["id"], "correct": correct}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

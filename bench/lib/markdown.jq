# results.json (see summarize.jq) as a markdown section: the medians and
# ratios, the targets, and the spread of the samples. jq -r -f markdown.jq.

def fmt: if . == null then "-" elif . >= 100 then (round | tostring)
         else ((. * 10 | round) / 10 | tostring) end;
def x: if . == null then "-" else "\((. * 100 | round) / 100)x" end;
def spread: if . == null or .min == 0 then "-"
            else "\((.max / .min - 1) * 100 | round)%" end;

. as $r
| "### \(.title)",
  "",
  "\(.date), guest kernel \(.kernel), \(.guest.cpus) vCPU\(if .guest.cpus == 1 then "" else "s" end) (\(.guest.accel), \(.guest.cpu)), \(.guest.mem_mib) MiB; backing: \(.backing).",
  "Median of \(.params.rounds) rounds; each job \(.params.runtime_s) s after \(.params.ramp_s) s ramp, \(if .params.load then .params.load else "fio \(.params.fio) size=\(.params.size)" end).",
  .note,
  "",
  "| job | unit | " + ([.configs[].label] + [.ratios[].label] | join(" | ")) + " |",
  "|---|---|" + ([.configs[], .ratios[]] | map("---:") | join("|")) + "|",
  (.jobs[] as $j
   | "| \($j.name) | \($j.unit) | "
     + ([($r.configs[] | $r.results[.name][$j.name].median | fmt),
         ($r.ratios[] | .values[$j.name] | x)] | join(" | ")) + " |"),
  "",
  (if any(.targets[]; .on) then "Targets:" else "Targets (4k jobs):" end),
  "",
  (.targets[]
   | "- \(.label): "
     + (if (.jobs | length) > 0 and all(.jobs[]; .value == null) then "not measured"
        elif .met then "met on all \(.jobs | length) jobs"
        else "met on \(.jobs | map(select(.met)) | length) of \(.jobs | length); missed on "
             + (.jobs | map(select(.met | not) | "\(.job) \(.value | x)") | join(", ")) end)),
  "",
  "Spread of the samples (max/min - 1) per configuration:",
  "",
  "| job | " + ([.configs[].label] | join(" | ")) + " |",
  "|---|" + (.configs | map("---:") | join("|")) + "|",
  (.jobs[] as $j
   | "| \($j.name) | "
     + ([$r.configs[] | $r.results[.name][$j.name] | spread] | join(" | ")) + " |")

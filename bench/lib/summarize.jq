# Turns the samples of a benchmark (lines "round<TAB>config<TAB>job<TAB>value<TAB>unit"
# on stdin, read with jq -n -R) into results.json: per config and job the
# samples, their median, min and max; the ratios of medians between pairs of
# configs; and the targets (a ratio that should be >= some value on every
# IOPS job, or with "@job,job" on the jobs named). Run by bench_summarize
# (bench/lib/bench.sh), which passes the --arg values used below.

def median:
  sort | if length == 0 then null
         elif length % 2 == 1 then .[(length - 1) / 2]
         else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def words: split(" ") | map(select(length > 0));
def round2: (. * 100 | round) / 100;
def round3: (. * 1000 | round) / 1000;

[inputs | select(length > 0) | split("\t")
 | {round: (.[0] | tonumber), config: .[1], job: .[2],
    value: (.[3] | tonumber), unit: .[4]}] as $s
| ($configs | words | map(split("=") | {name: .[0], label: (.[1:] | join("="))})) as $cfgs
| ($cfgs | map({key: .name, value: .label}) | from_entries) as $lab
| ($jobs | words | map(. as $j | {name: $j,
      unit: ([$s[] | select(.job == $j) | .unit] | first)})
   | map(select(.unit != null))) as $jl
| (reduce $s[] as $x ({}; .[$x.config][$x.job] += [$x.value])
   | with_entries(.value |= with_entries(.value |= {
        median: (median | round2), min: (min | round2), max: (max | round2),
        samples: map(round2)}))) as $res
| def med($c; $j): $res[$c][$j].median;
  def ratio($n; $d; $j):
    if med($n; $j) == null or med($d; $j) == null or med($d; $j) == 0 then null
    else (med($n; $j) / med($d; $j) | round3) end;
{
  title: $title,
  date: $date,
  kernel: $kernel,
  guest: {cpu: $cpu, cpus: ($ncpu | tonumber), mem_mib: ($mem | tonumber),
          accel: $accel},
  backing: $backing,
  params: ({rounds: ($rounds | tonumber), runtime_s: ($runtime | tonumber),
           ramp_s: ($ramp | tonumber), size: $size,
           fio: "direct=1 ioengine=libaio numjobs=1 time_based norandommap"}
          + (if $load == "" then {} else {load: $load} end)),
  configs: $cfgs,
  jobs: $jl,
  results: $res,
  ratios: [$ratios | words[] | split("/") as [$n, $d]
           | {name: "\($n)/\($d)", label: "\($lab[$n] // $n)/\($lab[$d] // $d)",
              num: $n, den: $d,
              values: ($jl | map({key: .name, value: ratio($n; $d; .name)}) | from_entries)}],
  note: $note,
  targets: [$targets | words[]
            | capture("^(?<n>[^/]+)/(?<d>[^>]+)>=(?<min>[^@]+)(@(?<on>.+))?$") as $t
            | ($t.min | tonumber) as $min
            | (if $t.on == null then [$jl[] | select(.unit == "IOPS") | .name]
               else [$t.on | split(",")[] as $j | $jl[] | select(.name == $j) | .name]
               end) as $tj
            | [$tj[] as $j
               | {job: $j, value: ratio($t.n; $t.d; $j)}
               | .met = (.value != null and .value >= $min)] as $per
            | {ratio: "\($t.n)/\($t.d)",
               label: "\($lab[$t.n] // $t.n) >= \($t.min)x \($lab[$t.d] // $t.d)",
               min: $min, on: ($t.on != null), met: ($per | all(.met)), jobs: $per}]
}

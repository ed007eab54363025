# Runs the shards of one scenario (or of one sweep) in parallel on one machine
# and merges them (docs/cluster.md). Each shard is a separate golive process;
# the merged report is byte-identical to a single `golive run` (or `sweep`).
#
#   make -j2 -f scenarios/slurm/shards.mk SCENARIO=scenarios/drbd84-year.json \
#        RUNS=10000 SHARDS=4 OUT=out [GOLIVE=build/golive]
#   make -j2 -f scenarios/slurm/shards.mk SCENARIO=scenarios/web-server.json \
#        SET='--set migration.max_bandwidth=100MiB/s,1GiB/s --set vms[0].dirty.rate=5000pages/s,40000pages/s' \
#        SHARDS=4 OUT=out
#
# RUNS: runs (per point for a sweep); empty: the scenario's "runs".
# SET: the sweep's --set options; empty: a Monte Carlo batch (golive run).
GOLIVE   ?= build/golive
SHARDS   ?= 4
RUNS     ?=
SET      ?=
OUT      ?= shards-out
SCENARIO ?= scenarios/drbd84-year.json

PARTS := $(foreach i,$(shell seq 0 $$(($(SHARDS) - 1))),$(OUT)/part-$(i).json)
CMD   := $(if $(strip $(SET)),sweep $(SCENARIO) $(SET),run $(SCENARIO)) $(if $(RUNS),--runs $(RUNS))

$(OUT)/report.json: $(PARTS)
	$(GOLIVE) merge $(PARTS) --json $@ --quiet

$(OUT)/part-%.json:
	@mkdir -p $(OUT)
	$(GOLIVE) $(CMD) --threads 1 --shard $*/$(SHARDS) --json $@ --quiet

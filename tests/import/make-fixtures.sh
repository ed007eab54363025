#!/bin/sh
# Derives the import tests' further CIBs from the real cluster's (cib-2node.xml,
# cib-3node.xml) with Pacemaker's own tools only: crm_resource, crm_attribute
# and cibadmin change the configuration as an operator would (CIB_file points
# them at a file instead of a live cluster), crm_simulate --simulate runs the
# scheduler's transition and writes the CIB with the status it leads to, and
# crm_verify checks each result. Needs pacemaker-cli-utils (make deps).
# Usage: tests/import/make-fixtures.sh [DIR]   (default: tests/import)
set -eu
dir=${1:-$(dirname "$0")}
src=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
simulate() { # in out [crm_simulate options]
    in=$1 out=$2; shift 2
    crm_simulate --xml-file "$in" --simulate --save-output "$tmp/out.xml" "$@" >/dev/null
    crm_verify --xml-file "$tmp/out.xml"
    mv "$tmp/out.xml" "$dir/$out"
}

# node2 of the two-node cluster fails: fenced, dummy2 recovered on node1
simulate "$src/cib-2node.xml" cib-2node-node2-failed.xml --node-fail node2

# dummy1 disabled (target-role Stopped) and stopped
cp "$src/cib-2node.xml" "$tmp/a.xml"
CIB_file="$tmp/a.xml" crm_resource --resource dummy1 --meta --set-parameter target-role --parameter-value Stopped >/dev/null
simulate "$tmp/a.xml" cib-2node-dummy1-stopped.xml

# dummy1 moved to node3 (crm_resource --move: a cli-prefer constraint)
cp "$src/cib-3node.xml" "$tmp/b.xml"
CIB_file="$tmp/b.xml" crm_resource --move --resource dummy1 --node node3 >/dev/null
simulate "$tmp/b.xml" cib-3node-dummy1-moved.xml

# A production-like three-node cluster: two VirtualDomain resources that
# may live-migrate (one grouped with nothing, one disabled), fence delays,
# migration-limit, priority-fencing-delay, then started by the scheduler.
cp "$src/cib-3node.xml" "$tmp/c.xml"
export CIB_file="$tmp/c.xml"
for vm in web db; do
    cibadmin --create --scope resources --xml-text "<primitive id=\"$vm\" class=\"ocf\" provider=\"heartbeat\" type=\"VirtualDomain\">
  <instance_attributes id=\"$vm-ia\">
    <nvpair id=\"$vm-config\" name=\"config\" value=\"/etc/libvirt/qemu/$vm.xml\"/>
    <nvpair id=\"$vm-transport\" name=\"migration_transport\" value=\"ssh\"/>
  </instance_attributes>
  <meta_attributes id=\"$vm-meta\">
    <nvpair id=\"$vm-allow-migrate\" name=\"allow-migrate\" value=\"true\"/>
  </meta_attributes>
  <operations>
    <op id=\"$vm-monitor\" name=\"monitor\" interval=\"30s\" timeout=\"30s\"/>
    <op id=\"$vm-migrate-to\" name=\"migrate_to\" interval=\"0s\" timeout=\"120s\"/>
    <op id=\"$vm-migrate-from\" name=\"migrate_from\" interval=\"0s\" timeout=\"120s\"/>
  </operations>
</primitive>"
done
crm_attribute --type crm_config --name migration-limit --update 2
crm_attribute --type crm_config --name priority-fencing-delay --update 15s
crm_resource --resource st-node1 --set-parameter pcmk_delay_max --parameter-value 10s >/dev/null
crm_resource --resource dummy3 --meta --set-parameter target-role --parameter-value Stopped >/dev/null
unset CIB_file
simulate "$tmp/c.xml" cib-3node-virtualdomain.xml

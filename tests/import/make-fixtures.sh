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
# the agent's bandwidth and downtime limits (virsh migrate-setspeed, MiB/s;
# migrate-setmaxdowntime, ms) on db only: web migrates with libvirt's defaults
crm_resource --resource db --set-parameter migration_speed --parameter-value 500 >/dev/null
crm_resource --resource db --set-parameter migration_downtime --parameter-value 100 >/dev/null
unset CIB_file
simulate "$tmp/c.xml" cib-3node-virtualdomain.xml

# libvirt domains as `virsh dumpxml` prints them: each definition below is
# given to libvirt's own parser and formatter through its test driver
# (virsh -c test:///default, no daemon, no hypervisor: package
# libvirt-clients), which normalises it as dumpxml does on a real host.
domain() { # out name memory-element vcpus disk-xml
    cat > "$tmp/d.xml" <<XML
<domain type='kvm'>
  <name>$2</name>
  <uuid>$(printf '%s' "$1" | md5sum | sed 's/^\(........\)\(....\)\(....\)\(....\)\(............\).*/\1-\2-\3-\4-\5/')</uuid>
  $3
  <vcpu>$4</vcpu>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
  <devices>
    $5
    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><model type='virtio'/></interface>
  </devices>
</domain>
XML
    virsh -q -c test:///default "define $tmp/d.xml; dumpxml $2" | sed '1{/^Domain .* defined from/d}' | sed '/./,$!d' > "$dir/$1"
}
rbd() { # pool/image
    echo "<disk type='network' device='disk'><driver name='qemu' type='raw' cache='writeback'/>
      <auth username='libvirt'><secret type='ceph' uuid='2a5b08e4-3dbc-4d4a-8b9e-1c3f3e0b5a11'/></auth>
      <source protocol='rbd' name='$1'><host name='10.77.0.1' port='6789'/><host name='10.77.0.2' port='6789'/>
      <host name='10.77.0.3' port='6789'/></source><target dev='vda' bus='virtio'/></disk>"
}
domain domain-web.xml web "<memory unit='GiB'>8</memory>" 4 "$(rbd vms/web-disk0)"
domain domain-db.xml db "<memory unit='MiB'>16384</memory>" 8 "$(rbd vms/db-disk0)"
domain domain-web-iscsi.xml web "<memory>8388608</memory>" 4 \
    "<disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='iscsi' name='iqn.2026-12.org.example:san/1'><host name='10.77.1.10' port='3260'/></source><target dev='vda' bus='virtio'/></disk>"
domain domain-web-drbd.xml web "<memory unit='G'>8</memory>" 4 \
    "<disk type='block' device='disk'><driver name='qemu' type='raw' cache='none'/><source dev='/dev/drbd1'/><target dev='vda' bus='virtio'/></disk>"
domain domain-web-file.xml web "<memory unit='KiB'>8388608</memory>" 4 \
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/shared/web.qcow2'/><target dev='vda' bus='virtio'/></disk>"
domain domain-web-lvm.xml web "<memory unit='GB'>8</memory>" 4 \
    "<disk type='block' device='disk'><driver name='qemu' type='raw' cache='none'/><source dev='/dev/vg_san/web'/><target dev='vda' bus='virtio'/></disk>"

# DRBD's configuration as `drbdadm dump` prints it (package drbd-utils; no
# kernel module needed): DRBD 8.4 (drbdadm-84) dual-primary on the two-node
# cluster with a replication link of its own, and DRBD 9 on the three-node
# cluster with quorum, replicating over corosync's ring0 addresses.
cat > "$tmp/r0.res" <<RES
resource r0 {
  net {
    protocol C;
    allow-two-primaries yes;
    after-sb-0pri discard-zero-changes;
    after-sb-1pri discard-secondary;
    after-sb-2pri disconnect;
    timeout 60;
    ping-timeout 5;
    ko-count 7;
  }
  disk {
    fencing resource-and-stonith;
    c-max-rate 100M;
  }
  handlers {
    fence-peer "/usr/lib/drbd/crm-fence-peer.sh";
    after-resync-target "/usr/lib/drbd/crm-unfence-peer.sh";
  }
  device /dev/drbd1;
  disk /dev/vg0/r0;
  meta-disk internal;
  on node1 { address 10.77.2.1:7789; }
  on node2 { address 10.77.2.2:7789; }
}
RES
/usr/lib/drbd/drbdadm-84 -c "$tmp/r0.res" dump all 2>/dev/null | sed "s|$tmp/|/etc/drbd.d/|" > "$dir/drbd84-2node.res"
cat > "$tmp/r1.res" <<RES
resource r1 {
  options { quorum majority; on-no-quorum io-error; }
  net { protocol C; fencing resource-only; ping-int 5; }
  handlers { fence-peer "/usr/lib/drbd/crm-fence-peer.9.sh"; }
  device /dev/drbd2;
  disk /dev/vg0/r1;
  meta-disk internal;
  on node1 { address 10.77.0.1:7790; node-id 0; }
  on node2 { address 10.77.0.2:7790; node-id 1; }
  on node3 { address 10.77.0.3:7790; node-id 2; }
  connection-mesh { hosts node1 node2 node3; }
}
RES
drbdadm -c "$tmp/r1.res" dump all 2>/dev/null | sed "s|$tmp/|/etc/drbd.d/|" > "$dir/drbd9-3node.res"

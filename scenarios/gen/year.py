#!/usr/bin/env python3
"""Writes scenarios/*-year.json: one simulated year per storage design, with
the same VMs, maintenance migrations and failure rates, for `golive compare`.
Run from the repository root: python3 scenarios/gen/year.py

The failure rates are illustrative assumptions (docs/models.md), the same for
every design so that only the design differs."""
import json

FAILURES = [
    # a host crashes every 3 years on average and is back after 4 h
    {"target": "host:*", "mtbf": "3y", "mttr": "4h", "distribution": "exponential"},
    # a NIC or its cable, every 8 years, 4 h to replace
    {"target": "nic:*", "mtbf": "8y", "mttr": "4h", "distribution": "exponential"},
    # a network (switch) every 2 years, 1 h to repair
    {"target": "network:*", "mtbf": "2y", "mttr": "1h", "distribution": "exponential"},
]

def host(name, nets, big=True):
    return {"name": name, "cores": 32 if big else 8, "memory": "256GiB" if big else "32GiB",
            "nics": [{"network": n, "bandwidth": "10Gbit/s"} for n in nets]}

def vms(hosts):
    return [
        {"name": "web", "host": hosts[0], "memory": "4GiB", "vcpus": 2, "zero": "30%",
         "dirty": {"model": "uniform", "rate": "2000pages/s", "working_set": "512MiB"},
         "disk": {"size": "40GiB", "write_rate": "2MiB/s"}, "service": {"type": "tcp"}},
        {"name": "db", "host": hosts[1], "memory": "8GiB", "vcpus": 4, "zero": "20%",
         "dirty": {"model": "hotcold", "hot_set": "1GiB", "hot_rate": "10000pages/s", "cold_rate": "100pages/s"},
         "disk": {"size": "200GiB", "write_rate": "10MiB/s"}, "service": {"type": "tcp"}},
        {"name": "app", "host": hosts[-1], "memory": "4GiB", "vcpus": 2, "zero": "40%",
         "dirty": {"model": "uniform", "rate": "1000pages/s", "working_set": "256MiB"},
         "disk": {"size": "40GiB", "write_rate": "1MiB/s"}, "service": {"type": "tcp"}},
    ]

def maintenance(a, b):
    """Monthly maintenance: web moves to the other node for an hour and back."""
    ev = []
    for m in range(12):
        ev.append({"at": "%dd" % (30 * m + 10), "action": "migrate", "vm": "web", "to": b})
        ev.append({"at": "%gh" % ((30 * m + 10) * 24 + 1), "action": "migrate", "vm": "web", "to": a})
    return ev

COMMON = "One simulated year, 500 runs: three VMs, web live-migrated to the other node and back every month, " \
         "hosts failing every 3 years (4 h to repair), NICs every 8 years, networks every 2 years (1 h) - " \
         "illustrative rates, the same for every *-year.json design. "

def write(name, desc, nodes, extra_hosts, nets, storage, cluster, extra_failures=()):
    names = ["node%d" % (i + 1) for i in range(nodes)]
    s = {"golive": 1, "name": name, "description": COMMON + desc, "seed": 1, "until": "1y", "runs": 500,
         "networks": [{"name": n, "latency": "50us"} for n in nets],
         "hosts": [host(h, nets) for h in names] + [host(h, nets, False) for h in extra_hosts],
         "storage": storage, "cluster": cluster,
         "migration": {"network": "lan", "max_bandwidth": "1GiB/s"},
         "vms": vms(names), "events": maintenance(names[0], names[1]),
         "failures": FAILURES + list(extra_failures)}
    with open("scenarios/%s.json" % name, "w") as f:
        f.write(json.dumps(s, indent=2) + "\n")

TWO = {"manager": "pacemaker", "two_node": True, "allow_migrate": True}
THREE = {"manager": "pacemaker", "allow_migrate": True}

write("nfs-year", "NFS: two nodes on one filer (no HA): the filer and its NIC are single points of failure; "
      "the NFS service itself also fails once a year (30 min).", 2, ["filer"], ["lan", "san"],
      {"type": "nfs", "server": "filer", "network": "san"}, TWO,
      [{"target": "nfs-server", "mtbf": "1y", "mttr": "30min", "distribution": "exponential"}])
write("iscsi-sanlock-year", "iSCSI LUN with lvmlockd + sanlock leases, STONITH: restarts wait for the lease "
      "(140 s); the target is a single point of failure.", 2, ["target"], ["lan", "san"],
      {"type": "iscsi", "server": "target", "lock": "lvmlockd-sanlock", "network": "san"}, TWO)
write("iscsi-no-lock-year", "iSCSI LUN without a lock layer and without STONITH: after a cluster split both "
      "nodes run the same VMs and write the same disks.", 2, ["target"], ["lan", "san"],
      {"type": "iscsi", "server": "target", "lock": "none", "network": "san"},
      dict(TWO, stonith=False))
write("drbd84-year", "DRBD 8.4 dual-primary, fencing resource-and-stonith, Pacemaker with STONITH: a cut "
      "replication link freezes IO and fences one node instead of diverging.", 2, [], ["lan", "repl"],
      {"type": "drbd", "version": "8.4", "dual_primary": True, "fencing": "resource-and-stonith",
       "network": "repl"}, TWO)
write("drbd84-no-fencing-year", "DRBD 8.4 dual-primary with the default fencing dont-care: a cut replication "
      "link is a split brain; after-sb-2pri disconnect leaves it to an operator.", 2, [], ["lan", "repl"],
      {"type": "drbd", "version": "8.4", "dual_primary": True, "network": "repl"}, TWO)
write("drbd9-year", "DRBD 9 on three nodes with quorum majority (on-no-quorum suspend-io): an isolated node "
      "freezes instead of diverging.", 3, [], ["lan", "repl"],
      {"type": "drbd", "version": "9", "dual_primary": True, "quorum": "majority", "network": "repl"}, THREE)
write("ceph-year", "Ceph RBD on three hyperconverged nodes, pool size 3 / min_size 2, monitors on every node "
      "(each failing every 2 years for 1 h): Ceph blocks, it never splits.", 3, [], ["lan", "ceph"],
      {"type": "ceph", "size": 3, "min_size": 2, "network": "ceph"}, THREE,
      [{"target": "mon:*", "mtbf": "2y", "mttr": "1h", "distribution": "exponential"}])

/* golive import [--out FILE] INPUT... — a scenario from the configuration
 * files of a running cluster (a Pacemaker CIB, corosync.conf, libvirt
 * domain XML, DRBD's configuration, Ceph's JSON, measured dirty rates), with a report of
 * where each value came from and what had to be assumed. */
#ifndef GOLIVE_CLI_CMD_IMPORT_H
#define GOLIVE_CLI_CMD_IMPORT_H

int cli_import(int argc, char **argv);

#endif

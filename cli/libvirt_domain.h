/* libvirt_domain — a libvirt domain XML (virsh dumpxml) read with libxml2,
 * for golive import: the guest's memory and vCPUs, and what its disks
 * reveal of the storage under them. The meaning of each element follows
 * libvirt's domain format (docs/formatdomain.rst): <memory> is the maximum
 * allocation, in KiB unless its unit says otherwise; <vcpu> the maximum
 * number of vCPUs; a <disk> of device "disk" or "lun" is a guest disk,
 * "cdrom" and "floppy" are removable media a migration does not depend on. */
#ifndef GOLIVE_CLI_LIBVIRT_DOMAIN_H
#define GOLIVE_CLI_LIBVIRT_DOMAIN_H

#include <glib.h>
#include <stdint.h>

/* What a disk's source says of the storage under it. */
typedef enum {
    LD_RBD,   /* network disk, protocol rbd: Ceph */
    LD_ISCSI, /* network disk, protocol iscsi, or a block device by an iSCSI path */
    LD_NFS,   /* network disk, protocol nfs */
    LD_DRBD,  /* a block device /dev/drbdN or /dev/drbd/by-res/... */
    LD_FILE,  /* an image file: on shared storage, which the file does not name */
    LD_BLOCK, /* another block device (a LUN by its multipath or LVM name) */
    LD_OTHER, /* a volume of a storage pool, another network protocol */
} ld_kind;

typedef struct {
    ld_kind kind;
    char *target;  /* the guest's name for it (vda) */
    char *source;  /* the file, device, or pool/image */
    char *protocol; /* of a network disk */
    GPtrArray *hosts; /* of a network disk: "name:port" */
    int line;
} ld_disk;

typedef struct {
    char *name;
    int line;            /* of <domain> */
    uint64_t memory;     /* bytes */
    int memory_line;
    int vcpus;
    int vcpu_line;
    GPtrArray *disks;    /* ld_disk *, guest disks only */
    GPtrArray *ignored;  /* "line N: ..." what is read but not used */
} libvirt_domain;

/* The domain, or NULL and *err (file, line, why). */
libvirt_domain *libvirt_domain_parse(const char *file, const char *text, size_t len, char **err);
void libvirt_domain_free(libvirt_domain *d);
const char *ld_kind_name(ld_kind k);

#endif

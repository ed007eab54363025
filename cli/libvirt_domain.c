/* libvirt_domain — a libvirt domain XML for the importer (see the header). */
#include "cli/libvirt_domain.h"

#include <errno.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "cli/xmlread.h"

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name);
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* An attribute as a g_strdup'd string, NULL if absent. */
static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = n ? xmlGetProp(n, BAD_CAST name) : NULL;
    char *s = v ? g_strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static char *raw_text(const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = g_strdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

static char *text(const xmlNode *n)
{
    return g_strstrip(raw_text(n));
}

/* virStrToLong_ullp: white space may lead (strtoull skips it), nothing may
 * follow, no sign. */
static bool whole(const char *v, unsigned long long *out)
{
    const char *p = v;
    while (g_ascii_isspace(*p))
        p++;
    if (!g_ascii_isdigit(*p))
        return false;
    errno = 0;
    char *end;
    *out = strtoull(p, &end, 10);
    return errno != ERANGE && !*end;
}

/* libvirt's virScaleInteger (src/util/virutil.c): no unit is the element's
 * default (KiB for memory); b or bytes; k, M, G, T, P, E or with "iB" are
 * powers of 1024; with "B" (KB, MB ...) powers of 1000; case is ignored. */
static bool scaled(const char *digits, const char *unit, uint64_t dflt, uint64_t *out, char **why)
{
    unsigned long long v;
    if (!whole(digits, &v)) {
        *why = g_strdup_printf("\"%s\" is not a whole number", digits);
        return false;
    }
    uint64_t scale = dflt;
    if (unit && *unit) {
        if (!g_ascii_strcasecmp(unit, "b") || !g_ascii_strcasecmp(unit, "byte") || !g_ascii_strcasecmp(unit, "bytes"))
            scale = 1;
        else {
            uint64_t base;
            if (!unit[1] || !g_ascii_strcasecmp(unit + 1, "iB"))
                base = 1024;
            else if (g_ascii_tolower(unit[1]) == 'b' && !unit[2])
                base = 1000;
            else {
                *why = g_strdup_printf("unknown unit \"%s\"", unit);
                return false;
            }
            const char *order = "kmgtpe";
            const char *at = strchr(order, g_ascii_tolower(unit[0]));
            if (!at || !unit[0]) {
                *why = g_strdup_printf("unknown unit \"%s\"", unit);
                return false;
            }
            scale = 1;
            for (const char *q = order; q <= at; q++)
                scale *= base;
        }
    }
    if (v && v > UINT64_MAX / scale) {
        *why = g_strdup_printf("%s %s is too large", digits, unit ? unit : "");
        return false;
    }
    *out = v * scale;
    return true;
}

static void disk_free(gpointer p)
{
    ld_disk *d = p;
    g_free(d->target);
    g_free(d->source);
    g_free(d->protocol);
    if (d->hosts)
        g_ptr_array_free(d->hosts, TRUE);
    g_free(d);
}

void libvirt_domain_free(libvirt_domain *d)
{
    if (!d)
        return;
    g_free(d->name);
    g_ptr_array_free(d->disks, TRUE);
    g_ptr_array_free(d->ignored, TRUE);
    g_free(d);
}

const char *ld_kind_name(ld_kind k)
{
    static const char *const names[] = { "rbd", "iscsi", "nfs", "drbd", "file", "block", "other" };
    return names[k];
}

/* What a block device's path says: DRBD's devices, a LUN by its iSCSI
 * path (/dev/disk/by-path/ip-...-iscsi-IQN-lun-N), or another device. */
static ld_kind block_kind(const char *dev)
{
    if (!dev)
        return LD_BLOCK;
    if (g_str_has_prefix(dev, "/dev/drbd/") ||
        (g_str_has_prefix(dev, "/dev/drbd") && dev[9] && strspn(dev + 9, "0123456789") == strlen(dev + 9)))
        return LD_DRBD;
    if (g_str_has_prefix(dev, "/dev/disk/by-path/") && strstr(dev, "-iscsi-"))
        return LD_ISCSI;
    return LD_BLOCK;
}

static ld_disk *read_disk(const xmlNode *n)
{
    ld_disk *d = g_new0(ld_disk, 1);
    d->line = (int)xmlGetLineNo(n);
    g_autofree char *type = attr(n, "type");
    xmlNode *src = child(n, "source"), *tgt = child(n, "target");
    d->target = attr(tgt, "dev");
    if (type && !strcmp(type, "network")) {
        d->protocol = attr(src, "protocol");
        d->source = attr(src, "name");
        d->hosts = g_ptr_array_new_with_free_func(g_free);
        for (xmlNode *h = src ? src->children : NULL; h; h = h->next)
            if (is(h, "host")) {
                g_autofree char *hn = attr(h, "name"), *port = attr(h, "port");
                g_ptr_array_add(d->hosts, g_strdup_printf("%s%s%s", hn ? hn : "", port ? ":" : "", port ? port : ""));
            }
        const char *p = d->protocol ? d->protocol : "";
        d->kind = !strcmp(p, "rbd") ? LD_RBD : !strcmp(p, "iscsi") ? LD_ISCSI : !strcmp(p, "nfs") ? LD_NFS : LD_OTHER;
    } else if (type && !strcmp(type, "block")) {
        d->source = attr(src, "dev");
        d->kind = block_kind(d->source);
    } else if (!type || !strcmp(type, "file")) {
        d->source = attr(src, "file");
        d->kind = LD_FILE;
    } else {
        g_autofree char *pool = attr(src, "pool"), *vol = attr(src, "volume"), *dir = attr(src, "dir");
        d->source = pool || vol ? g_strdup_printf("%s/%s", pool ? pool : "", vol ? vol : "") : g_strdup(dir);
        d->kind = LD_OTHER;
    }
    return d;
}

libvirt_domain *libvirt_domain_parse(const char *file, const char *text_, size_t len, char **err)
{
    xmlDoc *doc = xmlread_doc(file, text_, len, err);
    if (!doc)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!is(root, "domain")) {
        *err = g_strdup_printf("%s:%ld: the root element is <%s>, not <domain>: not a libvirt domain", file,
                               root ? xmlGetLineNo(root) : 1L, root ? (const char *)root->name : "none");
        xmlFreeDoc(doc);
        return NULL;
    }
    libvirt_domain *d = g_new0(libvirt_domain, 1);
    d->disks = g_ptr_array_new_with_free_func(disk_free);
    d->ignored = g_ptr_array_new_with_free_func(g_free);
    d->line = (int)xmlGetLineNo(root);
    g_autofree char *mv = NULL, *mu = NULL;
    xmlNode *name = child(root, "name"), *mem = child(root, "memory"), *vcpu = child(root, "vcpu");
    if (name)
        d->name = text(name);
    if (!d->name || !*d->name) {
        *err = g_strdup_printf("%s:%d: <domain> has no <name>", file, d->line);
        goto fail;
    }
    if (!mem) {
        *err = g_strdup_printf("%s:%d: domain %s has no <memory>", file, d->line, d->name);
        goto fail;
    }
    d->memory_line = (int)xmlGetLineNo(mem);
    mv = raw_text(mem);
    mu = attr(mem, "unit");
    char *why = NULL;
    if (!scaled(mv, mu, 1024, &d->memory, &why) || !d->memory) {
        *err = g_strdup_printf("%s:%d: <memory>: %s", file, d->memory_line, why ? why : "0 bytes");
        g_free(why);
        goto fail;
    }
    /* libvirt keeps memory in whole KiB, rounded up (virDomainParseMemory) */
    d->memory = (d->memory / 1024 + (d->memory % 1024 != 0)) * 1024;
    d->vcpus = 1; /* libvirt's default */
    if (vcpu) {
        d->vcpu_line = (int)xmlGetLineNo(vcpu);
        g_autofree char *vv = raw_text(vcpu);
        unsigned long long v;
        if (!whole(vv, &v) || v < 1 || v > 16384) {
            *err = g_strdup_printf("%s:%d: <vcpu> \"%s\": expected a number of vCPUs, 1 to 16384", file, d->vcpu_line,
                                   vv);
            goto fail;
        }
        d->vcpus = (int)v;
    }
    for (xmlNode *c = child(root, "devices") ? child(root, "devices")->children : NULL; c; c = c->next) {
        if (!is(c, "disk"))
            continue;
        g_autofree char *device = attr(c, "device");
        if (device && strcmp(device, "disk") && strcmp(device, "lun")) {
            g_autofree char *tgt = attr(child(c, "target"), "dev");
            g_ptr_array_add(d->ignored, g_strdup_printf("line %ld: %s %s (removable media; not simulated)",
                                                        xmlGetLineNo(c), device, tgt ? tgt : "?"));
            continue;
        }
        g_ptr_array_add(d->disks, read_disk(c));
    }
    xmlFreeDoc(doc);
    return d;
fail:
    xmlFreeDoc(doc);
    libvirt_domain_free(d);
    return NULL;
}

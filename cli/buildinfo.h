/* buildinfo — golive's version and the commit it was built from, for what
 * records which golive made it (an HTML page's footer, --version). */
#ifndef GOLIVE_CLI_BUILDINFO_H
#define GOLIVE_CLI_BUILDINFO_H

/* "0.1.0 (v0.1.0-123-gabcdef)" */
const char *cli_version(void);

#endif

#!/bin/sh
# Written by HaStack. Debian starts a service the moment its package is installed, with the package's
# defaults: a one-member etcd cluster, a `main` PostgreSQL cluster, PgBouncer and HAProxy on stock configs.
# HaStack starts these itself once their configuration is in place, so invoke-rc.d is told no (101) for them.
case "$1" in
  etcd|postgresql|postgresql@*|patroni|patroni@*|pgbouncer|haproxy|keepalived) exit 101 ;;
esac
exit 0

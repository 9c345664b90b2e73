#!/bin/sh
# Written by HaStack. Debian starts a service the moment its package is installed, with the package's
# defaults: a one-member etcd cluster, a `main` PostgreSQL cluster, PgBouncer and HAProxy on stock configs.
# HaStack starts and restarts these itself once their configuration is in place, so a package may not
# (101); stopping stays allowed, so removing a package still stops its service.
# invoke-rc.d passes the script name (etcd), deb-systemd-invoke the unit (etcd.service).
case "${1%.service}" in
  etcd|postgresql|postgresql@*|patroni|patroni@*|pgbouncer|haproxy|keepalived)
    case "$2" in
      start|restart|try-restart|reload|force-reload) exit 101 ;;
    esac ;;
esac
exit 0

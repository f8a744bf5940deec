#!/usr/bin/env bash
# npm run lab:down [-- --purge] — stop every lab process by pid/pgid; --purge also drops the lab's
# databases, RabbitMQ state, OVS databases, namespaces, tap devices and /var/lib/lab.
# Ends by checking that nothing is left: exits 1 and lists what is, if anything.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
purge=false
[[ ${1:-} == --purge ]] && purge=true
t0=$SECONDS
# The Galera topology first (test/lab/galera/), with the same --purge, while the rest still runs.
if [[ -f $LAB_DIR/galera/down.sh ]]; then bash "$LAB_DIR/galera/down.sh" "$@" || log "galera/down.sh failed"; fi

# Interfaces OVS created in the root namespace: userspace internal ports are persistent taps that
# outlive ovs-vswitchd (gotcha 11). Read them while ovsdb-server still answers.
# The bridges are listed by name too: after a reboot or a killed session ovsdb-server is gone, but
# its userspace bridges' taps are still there.
root_ifaces=(br-int br-tun br-ex)
if $purge && daemon_running ovsdb-server; then
  mapfile -t -O ${#root_ifaces[@]} root_ifaces < <(ovs-vsctl --timeout=5 --bare --columns=name list Interface 2>/dev/null | grep -v '^$' || true)
fi
# Processes that leave their session (gotcha 13): dnsmasq from the DHCP agent, by its pid file.
for f in /var/lib/neutron/dhcp/*/pid; do
  [[ -s $f ]] && kill "$(<"$f")" 2>/dev/null || true
done

names() { local f; for f in "$LAB_RUN"/$1.pid; do [[ -e $f ]] && basename "$f" .pid; done; return 0; }

# Everything but the two stores at once; a node's PID 1 takes every process of the node with it.
stop_daemons 10 $(names 'sshd-*') $(names 'nova-compute-*') $(names 'neutron-openvswitch-agent-*') \
  $(names 'node-*') $(names 'fwd-*') cinder-volume cinder-scheduler cinder-api \
  neutron-dhcp-agent neutron-openvswitch-agent neutron-server nova-api nova-conductor nova-scheduler \
  placement glance-api keystone ovs-vswitchd ovsdb-server haproxy
rm -f "$LAB_RUN"/nodes/*.holder "$LAB_RUN"/nodes/*.ready
if daemon_running rabbitmq; then
  timeout 60 rabbitmqctl -q stop >/dev/null 2>&1 || true
  stop_daemons 10 rabbitmq
fi
# epmd daemonizes out of RabbitMQ's session; it is ours if it listens on the lab's 127.0.0.1:4369.
epmd_pid=$(ss -Hltnp 'sport = :4369' 2>/dev/null | sed -n 's/.*"epmd",pid=\([0-9]*\).*/\1/p' | head -1)
[[ -n $epmd_pid ]] && kill "$epmd_pid" 2>/dev/null || true
stop_daemons 20 mariadb
stop_daemons 5 $(names '*')

# A purge regenerates the lab password, so the old databases must go even when MariaDB was not running
# (a killed session): keystone would keep its service users with the old password and every API would
# answer 401. Only now, with every service stopped: a DROP DATABASE waits (for ever, by default) on the
# metadata locks of a service's open transaction, and a CI purge hung here for 11 min. MariaDB is started
# alone just to drop them, then stopped again.
lab_db_left() { local d; for d in keystone glance placement nova_api nova nova_cell0 neutron cinder; do
  [[ -d /var/lib/mysql/$d ]] && return 0; done; return 1; }
if $purge && lab_db_left; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  start_daemon mariadb root -- /usr/sbin/mariadbd --user=mysql --pid-file=/run/mysqld/mysqld.pid
  if wait_for 60 "mariadb socket" mariadb -e 'select 1'; then
    mariadb -e "SET SESSION lock_wait_timeout = 60;
    DROP DATABASE IF EXISTS keystone; DROP DATABASE IF EXISTS glance; DROP DATABASE IF EXISTS placement;
    DROP DATABASE IF EXISTS nova_api; DROP DATABASE IF EXISTS nova; DROP DATABASE IF EXISTS nova_cell0;
    DROP DATABASE IF EXISTS neutron; DROP DATABASE IF EXISTS cinder;
    DROP USER IF EXISTS keystone@'127.0.0.1', keystone@localhost, glance@'127.0.0.1', glance@localhost,
      placement@'127.0.0.1', placement@localhost, nova@'127.0.0.1', nova@localhost,
      neutron@'127.0.0.1', neutron@localhost, cinder@'127.0.0.1', cinder@localhost;" || log "could not drop databases"
  else
    log "could not start mariadb to drop the lab databases"
  fi
  stop_daemons 20 mariadb
fi

# ---- verify no lab process survived (before --purge removes the pid files) ----
left=0
for f in "$LAB_RUN"/*.pid; do
  [[ -s $f ]] && kill -0 "$(<"$f")" 2>/dev/null && { log "still running: $(basename "$f" .pid)"; left=1; }
done

if $purge; then
  for ns in $(ip netns list | awk '{print $1}'); do
    case $ns in compute-[0-9]|qdhcp-*|qrouter-*|vm-web-1|probe-compute-[0-9]) ip netns delete "$ns" ;; esac
  done
  for i in "${root_ifaces[@]}" ovs-netdev; do
    ip link show "$i" >/dev/null 2>&1 && ip link delete "$i" 2>/dev/null || true
  done
  # DHCP ports with ovs_use_veth leave the root half of a veth (tapXXXXXXXX-XX) behind.
  for i in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^tap[0-9a-f]{8}-[0-9a-f]{2}$' || true); do
    ip link delete "$i" 2>/dev/null || true
  done
  rm -f /etc/openvswitch/conf.db /etc/openvswitch/.conf.db.~lock~
  rm -rf /var/lib/rabbitmq/mnesia/* /var/lib/glance/images/* /var/lib/nova/instances/* \
    /var/lib/neutron/dhcp /var/lib/neutron/ha_confs /var/lib/cinder/tmp/*
  rm -f "/var/log/journal/$(cat /etc/machine-id)/lab.journal"   # journal.sh's controller-0 journal
  rm -rf "$LAB_STATE" "$LAB_RUN"
fi

# ---- verify nothing is left ----
ports='3306|5672|4369|25672|5000|8774|8776|8778|9292|9696|6640|6633'
if awk '{print $4}' <<<"$(ss -Hltn)" | grep -Ec "^(127\.0\.0\.1|\[::1\]|0\.0\.0\.0|\*):($ports)$|^127\.0\.1\.1[0-9]:22$" >/dev/null; then
  log "still listening:"; ss -Hltnp | grep -E ":($ports) |127\.0\.1\.1[0-9]:22 " >&2; left=1
fi
if $purge; then
  if grep -Eq '^(compute-[0-9]|qdhcp-|qrouter-|vm-web-1|probe-compute-)' <<<"$(ip netns list)"; then log "namespaces left: $(ip netns list | tr '\n' ' ')"; left=1; fi
  if grep -Eq ': (br-int|br-tun|ovs-netdev|tap[0-9a-f]{8}-[0-9a-f]{2})[@:]' <<<"$(ip -o link show)"; then
    log "devices left:"; ip -o link show | grep -E ': (br-int|br-tun|ovs-netdev|tap)' >&2; left=1
  fi
fi
((left == 0)) || die "lab not fully down after $((SECONDS - t0))s (see above)"
log "lab down$($purge && echo ' and purged') in $((SECONDS - t0))s; nothing left running"

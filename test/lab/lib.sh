# shellcheck shell=bash
# Shared helpers for the lab scripts. Source it; do not run it.
#
# Layout (all lab-owned, nothing under /root or /etc/ssh is touched):
#   /var/lib/lab            state: secrets.env, ssh/, nodes/<node>/, clouds.yaml, inventory.yaml
#   /run/lab                pid files, forwarder sockets (fwd/<port>.sock), node holder pids
#   /var/log/lab            daemon stdout/stderr (<daemon>.out), install log, timings

# Debian's OpenStack wants /usr/bin/python3; the box's pyenv shim must not leak in (gotcha 1).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH VIRTUAL_ENV PYENV_VERSION

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_STATE=/var/lib/lab
LAB_RUN=/run/lab
LAB_LOGS=/var/log/lab
LAB_REGION=RegionOne
export OS_CLIENT_CONFIG_FILE=$LAB_STATE/clouds.yaml
export OS_CLOUD=lab

# Nodes: name -> loopback address. controller-0 is the root network namespace itself.
LAB_NODES=(controller-0 compute-0 compute-1)
LAB_COMPUTES=(compute-0 compute-1)
declare -A LAB_IP=([controller-0]=127.0.1.10 [compute-0]=127.0.1.11 [compute-1]=127.0.1.12)

# API ports a compute node must reach; each is forwarded into the node's netns over a UNIX socket
# so that node configs can simply say 127.0.0.1 (no veth, no routable address anywhere).
LAB_FWD_PORTS=(5000 5672 8774 8776 8778 9292 9696)

# Liveness windows, lowered from the defaults (60 s / 10 s, agent 75 s / 30 s) so a fault is
# detected in ~20 s instead of ~60 s. The README says so; real clouds see the defaults.
LAB_SERVICE_DOWN_TIME=20
LAB_REPORT_INTERVAL=5
LAB_AGENT_DOWN_TIME=20

# Tenant network (RFC 2544 benchmarking range): lives only inside the qdhcp netns and br-int.
# Neutron refuses loopback subnets; this is neither RFC 1918 nor documentation, and the root
# netns has no route to it.
LAB_TENANT_CIDR=198.18.10.0/24
# External network ext-net (flat, physnet "external" on controller-0's br-ex, which has no uplink and no
# address): the router's gateway and the floating IPs live in this range, inside the qrouter netns only.
LAB_EXT_CIDR=198.18.20.0/24

# ethtool: the L3 agent's veth ports (ovs_use_veth) get their offloads turned off with it
# ("exec of \"ethtool\" failed" and no qrouter namespace without it).
LAB_PACKAGES=(
  mariadb-server rabbitmq-server
  keystone python3-openstackclient uwsgi-core uwsgi-plugin-python3
  glance placement-api
  nova-api nova-conductor nova-scheduler nova-compute nova-compute-ironic
  neutron-server neutron-openvswitch-agent neutron-dhcp-agent neutron-l3-agent
  openvswitch-switch
  cinder-api cinder-scheduler cinder-volume
  haproxy openssh-server socat sosreport stress-ng systemd-journal-remote
  qemu-utils sudo iproute2 procps time util-linux crudini faketime ethtool
)

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

require_root() { [[ $EUID -eq 0 ]] || die "the lab needs root (it creates namespaces and runs daemons)"; }

# Generated once, kept in a root-only file, never printed.
load_secrets() {
  local f=$LAB_STATE/secrets.env
  if [[ ! -s $f ]]; then
    mkdir -p "$LAB_STATE"; chmod 700 "$LAB_STATE"
    umask 077
    printf 'LAB_PW=%s\n' "$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" > "$f"
    umask 022
  fi
  # shellcheck disable=SC1090
  source "$f"
}

# ini_set FILE SECTION KEY VALUE
ini_set() { crudini --set "$1" "$2" "$3" "$4"; }

# ---------- daemons ----------

pidfile() { echo "$LAB_RUN/$1.pid"; }

daemon_pid() {
  local f; f=$(pidfile "$1")
  [[ -s $f ]] || return 1
  local pid; pid=$(<"$f")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

daemon_running() { daemon_pid "$1" >/dev/null; }

# start_daemon NAME USER -- CMD...   (USER may be "root")
# Runs CMD in its own session (pgid == pid), stdout/stderr to /var/log/lab/NAME.out.
# Idempotent: a running daemon is left alone.
start_daemon() {
  local name=$1 user=$2; shift 3
  if daemon_running "$name"; then return 0; fi
  mkdir -p "$LAB_RUN" "$LAB_LOGS"
  local -a priv=()
  [[ $user == root ]] || priv=(setpriv --reuid="$user" --regid="$user" --init-groups --reset-env)
  # bash -c records its own pid and then execs, so the pid file names the daemon (or the
  # nsenter that owns it) and its process group holds every worker and helper it forks.
  # cg-exec.sh puts it in its node's cgroup (LAB_DAEMON_NODE, default controller-0) before setpriv.
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$(pidfile "$name")" \
    bash "$LAB_DIR/cg-exec.sh" "${LAB_DAEMON_NODE:-controller-0}" "${priv[@]}" "$@" \
    >>"$LAB_LOGS/$name.out" 2>&1 </dev/null &
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do [[ -s $(pidfile "$name") ]] && break; sleep 0.1; done
}

# stop_daemon NAME [GRACE_SECONDS]: TERM the process group, KILL it after the grace period.
stop_daemon() {
  local name=$1 grace=${2:-15} pid
  pid=$(daemon_pid "$name") || { rm -f "$(pidfile "$name")"; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local t=0
  while kill -0 "$pid" 2>/dev/null && ((t < grace * 10)); do sleep 0.1; ((t++)) || true; done
  if kill -0 "$pid" 2>/dev/null || pgrep -g "$pid" >/dev/null 2>&1; then
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$(pidfile "$name")"
}

# stop_daemons GRACE NAME...: like stop_daemon for many at once (TERM all, wait, KILL the rest),
# so a slow one (the OVS agent ignores TERM for >15 s, gotcha 13) does not serialise the others.
stop_daemons() {
  local grace=$1; shift
  local -A pids=()
  local n p
  for n in "$@"; do p=$(daemon_pid "$n") && pids[$n]=$p || rm -f "$(pidfile "$n")"; done
  for n in "${!pids[@]}"; do kill -TERM -- "-${pids[$n]}" 2>/dev/null || kill -TERM "${pids[$n]}" 2>/dev/null || true; done
  local t=0 alive
  while ((t < grace * 10)); do
    alive=0
    for n in "${!pids[@]}"; do kill -0 "${pids[$n]}" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1; ((t++)) || true
  done
  for n in "${!pids[@]}"; do
    kill -KILL -- "-${pids[$n]}" 2>/dev/null || true
    rm -f "$(pidfile "$n")"
  done
}

# Per-node cgroups and /proc/pressure views.
# shellcheck source=node-cgroup.sh
source "$LAB_DIR/node-cgroup.sh"

# ---------- nodes ----------
#
# A compute node is one long-lived holder process: `ip netns exec NODE unshare --pid --fork
# --mount-proc --mount --uts`, which bind-mounts the node's own /etc/nova, /var/log/..., /run/openvswitch
# and sets the hostname, then waits. Everything on the node (daemons, each ssh session) enters
# the holder with nsenter, so `ps` on a node shows only that node, `hostname` says its name and
# the standard log paths hold that node's logs. Killing the holder kills the whole node.

node_holder_pid() {
  local f=$LAB_RUN/nodes/$1.holder
  [[ -s $f ]] || return 1
  local pid; pid=$(<"$f")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# node_exec NODE CMD...: run CMD on NODE (as root); controller-0 is the root namespace.
node_exec() {
  local node=$1; shift
  if [[ $node == controller-0 ]]; then "$@"; return; fi
  local h; h=$(node_holder_pid "$node") || die "node $node is not running (no holder)"
  nsenter --target "$h" --mount --uts --net --pid --ipc -- "$@"
}

# Directories each compute node gets privately; the node sees them at the standard paths.
NODE_PRIVATE_DIRS=(
  /etc/nova /etc/neutron /etc/openvswitch
  /var/lib/nova /var/lib/neutron /var/lib/openvswitch
  /var/log/nova /var/log/neutron /var/log/openvswitch /var/log/journal
  /run/openvswitch /run/neutron /run/nova
)

# ---------- OpenStack CLI ----------

# os ARGS...: one openstack call with a hard timeout (casts block forever without RabbitMQ).
os() { timeout "${OS_TIMEOUT:-90}" openstack "$@"; }

# os_batch: read openstack commands on stdin, run them in one process (gotcha 15: ~2 s each otherwise).
os_batch() { timeout "${OS_TIMEOUT:-300}" openstack; }

wait_for() { # wait_for SECONDS DESCRIPTION CMD...
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || { log "timed out after ${secs}s waiting for $what"; return 1; }
    sleep 1
  done
}

port_open() { timeout 2 bash -c ">/dev/tcp/$1/$2" 2>/dev/null; }

wait_port() { wait_for "${3:-60}" "$1:$2" port_open "$1" "$2"; }

# Debian's own CLI helpers run as the service user so files they create keep the right owner.
as_user() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }

# ---------- config snippets (crudini --merge input) ----------

db_url() { echo "mysql+pymysql://${1%%_*}:$LAB_PW@127.0.0.1/$1"; }
transport_url() { echo "rabbit://openstack:$LAB_PW@127.0.0.1:5672/"; }

# keystone_auth SECTION USER: password auth against the lab keystone as service user USER.
keystone_auth() {
  cat <<INI
[$1]
auth_url = http://127.0.0.1:5000
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $LAB_PW
region_name = $LAB_REGION
INI
}

authtoken() {
  keystone_auth keystone_authtoken "$1"
  printf 'www_authenticate_uri = http://127.0.0.1:5000\nmemcached_servers =\nservice_token_roles_required = true\n'
}

# uwsgi_ini NAME WSGI_FILE PORT LOGFILE: a small uwsgi ini (gotcha 6: Connection: close, 2x2 workers).
uwsgi_ini() {
  cat <<INI
[uwsgi]
plugins = python3
master = true
http-socket = 127.0.0.1:$3
add-header = Connection: close
wsgi-file = $2
processes = 2
threads = 2
lazy-apps = true
buffer-size = 65535
die-on-term = true
need-app = true
logto = $4
name = $1
INI
}

# ---------- Open vSwitch (userspace datapath; no kernel module here, gotcha 11) ----------

# daemon name for a per-node service: "ovs-vswitchd" on controller-0, "ovs-vswitchd-compute-0" on a node.
node_daemon() { [[ $2 == controller-0 ]] && echo "$1" || echo "$1-$2"; }

# start_node_daemon NAME NODE USER -- CMD...: start_daemon, entered into NODE's namespaces.
start_node_daemon() {
  local name=$1 node=$2 user=$3; shift 4
  local d; d=$(node_daemon "$name" "$node")
  if [[ $node == controller-0 ]]; then start_daemon "$d" "$user" -- "$@"; return; fi
  local -a priv=()
  [[ $user == root ]] || priv=(setpriv --reuid="$user" --regid="$user" --init-groups --reset-env)
  local h; h=$(node_holder_pid "$node") || die "node $node is not running"
  LAB_DAEMON_NODE=$node start_daemon "$d" root -- nsenter --target "$h" --mount --uts --net --pid --ipc -- "${priv[@]}" "$@"
}

start_ovs() {
  local node=$1
  node_exec "$node" bash -c '
    mkdir -p /run/openvswitch /var/log/openvswitch /etc/openvswitch
    [[ -s /etc/openvswitch/conf.db ]] || ovsdb-tool create /etc/openvswitch/conf.db /usr/share/openvswitch/vswitch.ovsschema'
  start_node_daemon ovsdb-server "$node" root -- /usr/sbin/ovsdb-server /etc/openvswitch/conf.db \
    --remote=punix:/run/openvswitch/db.sock --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
    --pidfile=/run/openvswitch/ovsdb-server.pid --log-file=/var/log/openvswitch/ovsdb-server.log
  # Not `test -S db.sock`: a lab stopped without --purge leaves a stale socket behind, and the next
  # ovs-vsctl then meets "Connection refused" while the new ovsdb-server is still starting.
  wait_for 20 "ovsdb-server on $node" node_exec "$node" ovs-vsctl --timeout=2 --no-wait show
  node_exec "$node" ovs-vsctl --no-wait init
  # The agent would otherwise log "Unable to open stream to tcp:127.0.0.1:6640" once (gotcha 12).
  node_exec "$node" ovs-vsctl --no-wait set-manager ptcp:6640:127.0.0.1
  node_exec "$node" ovs-vsctl --no-wait set Open_vSwitch . external_ids:hostname="$node"
  start_node_daemon ovs-vswitchd "$node" root -- /usr/sbin/ovs-vswitchd unix:/run/openvswitch/db.sock \
    --pidfile=/run/openvswitch/ovs-vswitchd.pid --log-file=/var/log/openvswitch/ovs-vswitchd.log
  wait_for 20 "ovs-vswitchd on $node" node_exec "$node" ovs-appctl -t ovs-vswitchd version
}

# neutron_agent_conf NODE LOCAL_IP: the OVS agent ini for a node (controller-0 edits /etc directly).
ovs_agent_ini() {
  cat <<INI
[ovs]
datapath_type = netdev
local_ip = $1
integration_bridge = br-int
tunnel_bridge = br-tun
# No provider bridge: Debian's default external:br-ex would stop the agent ("Bridge br-ex ... does not exist").
bridge_mappings =
[agent]
tunnel_types = vxlan
l2_population = true
[securitygroup]
firewall_driver = openvswitch
enable_security_group = true
INI
}

# json_get KEY...: print the KEYs of the JSON object on stdin, space-separated (one line).
json_get() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(str(d.get(k)) for k in sys.argv[1:]))' "$@"; }

# json_rows_where KEY VALUE OUT: from a JSON list on stdin, print field OUT of each row whose KEY is VALUE.
json_rows_where() {
  /usr/bin/python3 -c 'import json,sys; [print(r.get(sys.argv[3])) for r in json.load(sys.stdin) if r.get(sys.argv[1]) == sys.argv[2]]' "$@"
}

# ---------- one place that knows how each lab daemon is started (stages, faults and heals use it) ----------

# start_service NAME [NODE]: start one lab daemon (idempotent). NODE defaults to controller-0.
start_service() {
  local name=$1 node=${2:-controller-0}
  case $name in
    nova-compute)
      start_node_daemon nova-compute "$node" nova -- /usr/bin/nova-compute --config-file /etc/nova/nova.conf ;;
    neutron-openvswitch-agent)
      start_node_daemon neutron-openvswitch-agent "$node" neutron -- /usr/bin/neutron-openvswitch-agent \
        --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/openvswitch_agent.ini ;;
    ovs-vswitchd)
      start_node_daemon ovs-vswitchd "$node" root -- /usr/sbin/ovs-vswitchd unix:/run/openvswitch/db.sock \
        --pidfile=/run/openvswitch/ovs-vswitchd.pid --log-file=/var/log/openvswitch/ovs-vswitchd.log ;;
    neutron-dhcp-agent)
      start_daemon neutron-dhcp-agent neutron -- /usr/bin/neutron-dhcp-agent \
        --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/dhcp_agent.ini ;;
    neutron-l3-agent)
      start_daemon neutron-l3-agent neutron -- /usr/bin/neutron-l3-agent \
        --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/l3_agent.ini ;;
    neutron-server)
      start_daemon neutron-server neutron -- /usr/bin/neutron-server --config-file /etc/neutron/neutron.conf \
        --config-file /etc/neutron/plugins/ml2/ml2_conf.ini ;;
    nova-api|nova-conductor|nova-scheduler)
      start_daemon "$name" nova -- "/usr/bin/$name" --config-file /etc/nova/nova.conf ;;
    cinder-api|cinder-scheduler)
      start_daemon "$name" cinder -- "/usr/bin/$name" --config-file /etc/cinder/cinder.conf ;;
    cinder-volume)
      # /etc/lab/python holds the lab's small-capacity fake driver (cinder-out-of-capacity fault).
      start_daemon cinder-volume cinder -- env PYTHONPATH=/etc/lab/python /usr/bin/cinder-volume \
        --config-file /etc/cinder/cinder.conf ;;
    glance-api)
      start_daemon glance-api glance -- /usr/bin/glance-api --config-file /etc/glance/glance-api.conf ;;
    placement)
      start_daemon placement placement -- /usr/bin/uwsgi_python3 --ini /etc/lab/placement-uwsgi.ini ;;
    keystone)
      start_daemon keystone keystone -- /usr/bin/uwsgi_python3 --ini /etc/lab/keystone-uwsgi.ini ;;
    mariadb)
      mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
      start_daemon mariadb root -- /usr/sbin/mariadbd --user=mysql --pid-file=/run/mysqld/mysqld.pid ;;
    rabbitmq)
      # Run the broker directly as its user: /usr/sbin/rabbitmq-server would su into a new session (gotcha 13).
      start_daemon rabbitmq rabbitmq -- env ERL_EPMD_ADDRESS=127.0.0.1 /usr/lib/rabbitmq/bin/rabbitmq-server ;;
    *) die "start_service: unknown lab service '$name'" ;;
  esac
}

# stop_service NAME [NODE] [GRACE]
stop_service() { stop_daemon "$(node_daemon "$1" "${2:-controller-0}")" "${3:-15}"; }

# lab_expectation FAULT: "playbook target component node" from expectations.tsv ('-' = null), or
# nothing when the fault has no row. The healthy lab is vm-ssh-fail on vm-web-1 with no suspect.
lab_expectation() {
  [[ $1 == healthy ]] && { echo "vm-ssh-fail vm-web-1 - -"; return 0; }
  awk -F'\t' -v f="$1" '$1==f && !/^#/ {print $2, $3, $4, $5; exit}' "$LAB_DIR/expectations.tsv"
}

# node_ssh_entry NODE IP: make NODE's sshd host key on first use and append its known_hosts line and its
# Host block to $LAB_STATE/ssh/{known_hosts,ssh_config}.new (the caller moves them into place).
node_ssh_entry() {
  local node=$1 ip=$2 s=$LAB_STATE/ssh
  local k=$LAB_STATE/nodes/$node/ssh_host_ed25519_key
  mkdir -p "$(dirname "$k")"
  [[ -f $k ]] || ssh-keygen -q -t ed25519 -N '' -C "$node" -f "$k"
  echo "$node,$ip $(cut -d' ' -f1,2 "$k.pub")" >> "$s/known_hosts.new"
  cat >> "$s/ssh_config.new" <<CFG
Host $node
  HostName $ip
  User root
  Port 22
  IdentityFile $s/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $s/known_hosts
  StrictHostKeyChecking yes
  HostKeyAlias $node
CFG
}

# shellcheck shell=bash
# Per-node resource views, sourced by lib.sh. /proc/pressure/* is machine-wide, so on one host every
# node would look equally starved. Each node's processes live in a cgroup v2 of their own
# (lab/<node>), and inside the node's mount namespace that cgroup's cpu/memory/io.pressure files are
# bind-mounted over /proc/pressure/{cpu,memory,io}: what a container on a real host sees. The
# numbers are the kernel's own PSI accounting for exactly that node's processes.
# /proc/loadavg, /proc/stat, /proc/meminfo and /proc/diskstats stay machine-wide (lxcfs was tried:
# FUSE works here, but on this hybrid cgroup host it kept serving host-wide numbers; README.md).

# The cgroup v2 hierarchy: /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one.
lab_cgroup_root() {
  if [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then echo /sys/fs/cgroup/lab
  elif [[ -e /sys/fs/cgroup/unified/cgroup.procs ]]; then echo /sys/fs/cgroup/unified/lab
  else return 1; fi
}

# node_cgroup NODE: the node's cgroup directory (created on first use); fails without cgroup v2.
node_cgroup() {
  local root; root=$(lab_cgroup_root) || return 1
  mkdir -p "$root/$1" 2>/dev/null || return 1
  echo "$root/$1"
}

# node_cgroup_join NODE PID...: move processes into the node's cgroup (their children follow).
node_cgroup_join() {
  local cg p; cg=$(node_cgroup "$1") || return 0; shift
  for p in "$@"; do echo "$p" > "$cg/cgroup.procs" 2>/dev/null || true; done
}

# node_pid_ns_pids NODE: every process whose PID namespace is NODE's (compute nodes only).
node_pid_ns_pids() {
  local h ns p; h=$(node_holder_pid "$1") || return 0
  ns=$(readlink "/proc/$h/ns/pid")
  for p in /proc/[0-9]*; do [[ $(readlink "$p/ns/pid" 2>/dev/null) == "$ns" ]] && echo "${p#/proc/}"; done
  return 0
}

# node_pressure_mounts NODE: bind the node's cgroup PSI files over /proc/pressure/* in the current
# mount namespace (call it inside the node's; idempotent). `ip netns exec` gave a compute node a
# sysfs of its own without cgroup mounts, so the node gets the cgroup2 hierarchy at /sys/fs/cgroup.
node_pressure_mounts() {
  local r cg
  if ! lab_cgroup_root >/dev/null; then mount -t cgroup2 cgroup2 /sys/fs/cgroup || return 1; fi
  cg=$(node_cgroup "$1") || return 1
  for r in cpu memory io; do
    [[ -e /proc/pressure/$r && -e $cg/$r.pressure ]] || continue
    grep -q " /proc/pressure/$r " /proc/self/mountinfo || mount --bind "$cg/$r.pressure" "/proc/pressure/$r"
  done
}

#ifndef CSWIFTLET_SYSTEM_H
#define CSWIFTLET_SYSTEM_H

/* CPU affinity calls that Swift cannot import from glibc (they need _GNU_SOURCE).
 * Linux only; elsewhere each returns -ENOSYS. */

/* Writes the ids of the CPUs thread `tid` (0: the calling thread) may run on to `cpus`,
 * in increasing order, at most `capacity` of them; returns how many, or -errno. */
int swl_system_thread_cpus(int tid, int *cpus, int capacity);

/* Restricts thread `tid` (0: the calling thread) to the `count` CPUs in `cpus`;
 * returns 0, or -errno (EINVAL: an id outside 0..<1024 or a set the thread cannot use). */
int swl_system_pin_thread(int tid, const int *cpus, int count);

/* The calling thread's id, as /proc/self/task, ps -L and top -H show it; -ENOSYS off Linux. */
int swl_system_thread_id(void);

/* Names the calling thread (at most 15 bytes are kept) as ps -L and top -H show it;
 * returns 0 or -errno. */
int swl_system_name_thread(const char *name);

/* Moves thread `tid` (0: the calling thread) to SCHED_IDLE: it runs only when nothing else
 * on its CPU wants to, and yields the CPU at once to any thread that wakes there.
 * Returns 0 or -errno. */
int swl_system_set_idle_priority(int tid);

/* A spin-wait hint to the CPU (x86 PAUSE, ARM YIELD): a spinning thread leaves the core's
 * shared resources to its hyperthread sibling. */
void swl_system_cpu_relax(void);

#endif

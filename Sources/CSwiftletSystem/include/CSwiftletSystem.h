#ifndef CSWIFTLET_SYSTEM_H
#define CSWIFTLET_SYSTEM_H

/* CPU affinity calls that Swift cannot import from glibc (they need _GNU_SOURCE).
 * Linux only; elsewhere each returns -ENOSYS. */

/* Writes the ids of the CPUs thread `tid` of this process (0: the calling thread) may run
 * on to `cpus`, in increasing order, at most `capacity` of them; returns how many, or -errno. */
int swl_system_thread_cpus(int tid, int *cpus, int capacity);

/* The calling thread's id (Linux's tid), or -ENOSYS. */
int swl_system_thread_id(void);

/* Writes the ids of every CPU a thread of this process could be pinned to (online and in
 * its cpuset, whatever the calling thread's own affinity) to `cpus`, in increasing order,
 * at most `capacity`; returns how many, or -errno. Widens the calling thread's affinity
 * for a moment and restores it. */
int swl_system_available_cpus(int *cpus, int capacity);

/* Restricts thread `tid` (0: the calling thread) to the `count` CPUs in `cpus`;
 * returns 0, or -errno (EINVAL: an id outside 0..<1024 or a set the thread cannot use). */
int swl_system_pin_thread(int tid, const int *cpus, int count);

#endif

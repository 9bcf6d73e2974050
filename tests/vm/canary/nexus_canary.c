// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_canary: a test-only module that makes the kernel report a bug on
 * demand, to prove that the VM harness fails a test on each kind of report.
 * Never loaded outside tests/vm/canary.
 *
 * Writing anything to /sys/kernel/debug/nexus_canary/<kind> triggers:
 *   lockdep  two mutexes taken in both orders (a possible ABBA deadlock)
 *   warn     a WARN()
 *   kasan    a one-byte read past the end of a kmalloc'd buffer
 *
 * Lockdep turns itself off after a KASAN report, so trigger lockdep first.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

static struct dentry *canary_dir;
static DEFINE_MUTEX(canary_lock_a);
static DEFINE_MUTEX(canary_lock_b);

/*
 * The size comes from user space, and the index is laundered through
 * READ_ONCE, so that neither the compiler nor FORTIFY_SOURCE can see the
 * out-of-bounds read at build time: only KASAN can catch it.
 */
static size_t canary_size = 24;
module_param(canary_size, ulong, 0644);
MODULE_PARM_DESC(canary_size, "bytes kmalloc'd by the kasan trigger (read one past them)");

static int canary_kasan(void)
{
	size_t past_end = READ_ONCE(canary_size);
	char *buf = kmalloc(past_end, GFP_KERNEL);
	char seen;

	if (!buf)
		return -ENOMEM;
	seen = READ_ONCE(buf[past_end]);
	pr_info("nexus_canary: read %d past the end of %zu bytes\n", seen, past_end);
	kfree(buf);
	return 0;
}

/* A then B, later B then A: lockdep reports the inversion at once. */
static int canary_lockdep(void)
{
	mutex_lock(&canary_lock_a);
	mutex_lock(&canary_lock_b);
	mutex_unlock(&canary_lock_b);
	mutex_unlock(&canary_lock_a);

	mutex_lock(&canary_lock_b);
	mutex_lock(&canary_lock_a);
	mutex_unlock(&canary_lock_a);
	mutex_unlock(&canary_lock_b);
	return 0;
}

static int canary_warn(void)
{
	WARN(1, "nexus_canary: deliberate warning\n");
	return 0;
}

static ssize_t canary_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	int (*trigger)(void) = file->private_data;
	int ret = trigger();

	return ret ? ret : len;
}

static int canary_open(struct inode *inode, struct file *file)
{
	file->private_data = inode->i_private;
	return 0;
}

static const struct file_operations canary_fops = {
	.owner = THIS_MODULE,
	.open = canary_open,
	.write = canary_write,
	.llseek = noop_llseek,
};

static int __init canary_init(void)
{
	canary_dir = debugfs_create_dir("nexus_canary", NULL);
	debugfs_create_file("kasan", 0200, canary_dir, canary_kasan, &canary_fops);
	debugfs_create_file("lockdep", 0200, canary_dir, canary_lockdep, &canary_fops);
	debugfs_create_file("warn", 0200, canary_dir, canary_warn, &canary_fops);
	return 0;
}

static void __exit canary_exit(void)
{
	debugfs_remove_recursive(canary_dir);
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_DESCRIPTION("nexus test harness canary: KASAN, lockdep and WARN reports on demand");
MODULE_LICENSE("GPL");

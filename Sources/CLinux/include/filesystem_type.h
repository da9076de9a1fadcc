#ifndef FARM_FILESYSTEM_TYPE_H
#define FARM_FILESYSTEM_TYPE_H

/// The `f_type` statfs(2) gives for the filesystem holding `path` (its magic
/// number: 0x6969 is NFS, 0xEF53 ext4, …), or 0 if statfs fails. Swift's Glibc
/// module does not import <sys/vfs.h>, so statfs is reached through here.
unsigned long farm_filesystem_type(const char *path);

#endif

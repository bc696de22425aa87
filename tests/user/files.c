/* Files and directories: *at calls, stat, getdents64, links, dup, fcntl. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char dir[] = "/tmp/morpho-files-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0640);
    printf("openat: %s\n", fd >= 0 ? "ok" : strerror(errno));
    printf("write: %zd\n", write(fd, "hello, world\n", 13));
    close(fd);

    struct stat st;
    fstatat(dfd, "a.txt", &st, 0);
    printf("size %lld mode %o regular %d\n", (long long)st.st_size, st.st_mode & 0777,
           S_ISREG(st.st_mode));

    fd = openat(dfd, "a.txt", O_RDONLY);
    char buf[64] = "";
    printf("pread: %zd ", pread(fd, buf, 5, 7));
    printf("'%s'\n", buf);
    printf("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
    int fd2 = dup(fd);
    printf("dup shares offset: %lld\n", (long long)lseek(fd2, 0, SEEK_CUR));
    printf("cloexec before %d ", fcntl(fd2, F_GETFD) & FD_CLOEXEC);
    fcntl(fd2, F_SETFD, FD_CLOEXEC);
    printf("after %d\n", fcntl(fd2, F_GETFD) & FD_CLOEXEC);
    int fd3 = dup3(fd, 100, O_CLOEXEC);
    printf("dup3 -> %d\n", fd3);
    close(fd);
    close(fd2);
    close(fd3);

    printf("mkdirat: %d\n", mkdirat(dfd, "sub", 0755));
    printf("symlinkat: %d\n", symlinkat("a.txt", dfd, "link"));
    char target[64] = "";
    ssize_t n = readlinkat(dfd, "link", target, sizeof(target));
    printf("readlinkat: %zd '%.*s'\n", n, (int)n, target);
    printf("linkat: %d\n", linkat(dfd, "a.txt", dfd, "hard", 0));
    fstatat(dfd, "a.txt", &st, 0);
    printf("nlink %d\n", (int)st.st_nlink);
    printf("renameat: %d\n", renameat(dfd, "hard", dfd, "sub/moved"));
    printf("faccessat R_OK: %d\n", faccessat(dfd, "sub/moved", R_OK, 0));
    struct stat lst;
    fstatat(dfd, "link", &lst, AT_SYMLINK_NOFOLLOW);
    printf("link is symlink %d\n", S_ISLNK(lst.st_mode));

    /* Directory listing, sorted by hand. */
    DIR *d = opendir(dir);
    char names[16][32];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) && count < 16) {
        if (e->d_name[0] != '.') {
            snprintf(names[count++], 32, "%.28s%s", e->d_name, e->d_type == DT_DIR ? "/" : "");
        }
    }
    closedir(d);
    for (int i = 0; i < count; i++) {
        for (int j = i + 1; j < count; j++) {
            if (strcmp(names[i], names[j]) > 0) {
                char tmp[32];
                strcpy(tmp, names[i]);
                strcpy(names[i], names[j]);
                strcpy(names[j], tmp);
            }
        }
    }
    printf("entries:");
    for (int i = 0; i < count; i++) {
        printf(" %s", names[i]);
    }
    printf("\n");

    char cwd[256];
    chdir(dir);
    printf("getcwd matches: %d\n", strcmp(getcwd(cwd, sizeof(cwd)), dir) == 0);
    printf("truncate: %d ", truncate("a.txt", 4));
    stat("a.txt", &st);
    printf("size %lld\n", (long long)st.st_size);

    unlinkat(dfd, "sub/moved", 0);
    printf("rmdir: %d\n", unlinkat(dfd, "sub", AT_REMOVEDIR));
    unlinkat(dfd, "link", 0);
    unlinkat(dfd, "a.txt", 0);
    close(dfd);
    chdir("/");
    printf("rmdir top: %d\n", rmdir(dir));
    return 0;
}

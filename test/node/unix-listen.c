/* A stand-in's Unix socket: listens on argv[1] (as a CSI plugin or registrar does), accepts and
 * closes connections until killed. Built with gcc -static by build-node.sh for the stand-in images. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  struct sockaddr_un addr;
  int fd;
  if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
    fprintf(stderr, "usage: unix-listen PATH\n");
    return 2;
  }
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  strcpy(addr.sun_path, argv[1]);
  unlink(argv[1]);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 16) != 0) {
    perror(argv[1]);
    return 1;
  }
  printf("listening on %s\n", argv[1]);
  fflush(stdout);
  for (;;) {
    int c = accept(fd, NULL, NULL);
    if (c >= 0) {
      close(c);
    }
  }
}

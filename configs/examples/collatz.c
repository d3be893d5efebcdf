/* An example user program for configs/user-file.yaml: the longest Collatz chain below a bound. */
#include <stdint.h>
#include <stdio.h>

static unsigned chain_length(uint64_t n) {
  unsigned length = 1;
  while (n != 1) {
    n = (n % 2 == 0) ? n / 2 : 3 * n + 1;
    length++;
  }
  return length;
}

int main(void) {
  unsigned best = 0;
  uint64_t best_start = 1;
  for (uint64_t start = 1; start < 300000; start++) {
    unsigned length = chain_length(start);
    if (length > best) {
      best = length;
      best_start = start;
    }
  }
  printf("longest chain below 300000 starts at %llu (%u steps)\n", (unsigned long long)best_start, best);
  printf("checksum: 0x%08x\n", (unsigned)(best_start * 2654435761u) ^ best);
  return 0;
}

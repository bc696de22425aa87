/* Integer workload: pointer chasing through structs: a shuffled singly
 * linked list walked repeatedly and a binary search tree built and
 * searched (loads whose address depends on the previous load). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct Node { struct Node *next; uint32_t key, val; } Node;
typedef struct Tree { struct Tree *left, *right; uint32_t key, count; } Tree;

static uint32_t rng(uint32_t *s)
{
    *s ^= *s << 13; *s ^= *s >> 17; *s ^= *s << 5;
    return *s;
}

int main(void)
{
    enum { N = 1 << 16, WALKS = 300, TREE = 1 << 16, SEARCHES = 4000000 };
    Node *nodes = malloc(N * sizeof(*nodes));
    uint32_t *order = malloc(N * sizeof(*order)), s = 1;
    uint64_t sum = 0;

    for (uint32_t i = 0; i < N; i++) {
        order[i] = i;
    }
    for (uint32_t i = N - 1; i > 0; i--) {
        uint32_t j = rng(&s) % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < N; i++) {
        Node *n = &nodes[order[i]];
        n->next = i + 1 < N ? &nodes[order[i + 1]] : NULL;
        n->key = i;
        n->val = rng(&s) & 0xffff;
    }
    for (int w = 0; w < WALKS; w++) {
        for (Node *n = &nodes[order[0]]; n; n = n->next) {
            sum += n->val ^ (n->key & w);
        }
    }

    Tree *pool = calloc(TREE, sizeof(*pool)), *root = NULL;
    for (uint32_t i = 0; i < TREE; i++) {
        Tree *t = &pool[i], **where = &root;
        t->key = rng(&s);
        while (*where) {
            where = t->key < (*where)->key ? &(*where)->left : &(*where)->right;
        }
        *where = t;
    }
    for (uint32_t i = 0; i < SEARCHES; i++) {
        uint32_t k = pool[rng(&s) % TREE].key;
        Tree *t = root;
        while (t->key != k) {
            t = k < t->key ? t->left : t->right;
        }
        t->count++;
        sum += t->count;
    }
    printf("pchase: %llu\n", (unsigned long long)sum);
    free(nodes);
    free(order);
    free(pool);
    return 0;
}

/*
 * Tests of the object model's types and objects: hierarchy and casts
 * (including failing casts and interfaces), class_init order and
 * inheritance, refcounts and finalize order, the composition tree.
 */
#include "core/object.h"
#include "util/unittest.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define TYPE_ANIMAL "test-animal"
#define TYPE_DOG "test-dog"
#define TYPE_PUPPY "test-puppy"
#define TYPE_CAT "test-cat"
#define TYPE_BARKER "test-barker"
#define TYPE_LOUD_BARKER "test-loud-barker"

typedef struct Animal {
    Object parent_obj;
    int legs;
} Animal;

typedef struct AnimalClass {
    ObjectClass parent_class;
    const char *(*sound)(Animal *a);
    int class_init_seq;
    int inherited_marker;
} AnimalClass;

typedef struct Dog {
    Animal parent_obj;
    int tricks;
} Dog;

typedef struct BarkerClass {
    InterfaceClass parent_class;
    int (*bark_volume)(Object *obj);
} BarkerClass;

DECLARE_OBJ_CHECKERS(Animal, AnimalClass, ANIMAL, TYPE_ANIMAL)
DECLARE_INSTANCE_CHECKER(Dog, DOG, TYPE_DOG)

static char events[256];

static void event(const char *what)
{
    strncat(events, what, sizeof(events) - strlen(events) - 1);
}

static int class_init_counter;

static const char *animal_sound(Animal *a)
{
    return "...";
}

static const char *dog_sound(Animal *a)
{
    return "woof";
}

static int dog_volume(Object *obj)
{
    return 5;
}

static int puppy_volume(Object *obj)
{
    return 2;
}

static void animal_class_init(ObjectClass *oc, const void *data)
{
    AnimalClass *ac = (AnimalClass *)oc;
    ac->sound = animal_sound;
    ac->class_init_seq = ++class_init_counter;
    ac->inherited_marker = 42;
}

static void dog_class_init(ObjectClass *oc, const void *data)
{
    AnimalClass *ac = ANIMAL_CLASS(oc);
    /* The parent's class_init already ran: its values are here. */
    CHECK_INT(ac->inherited_marker, 42);
    ac->sound = dog_sound;
    ac->class_init_seq = ++class_init_counter;
    BarkerClass *bc = OBJECT_CLASS_CHECK(BarkerClass, oc, TYPE_BARKER);
    bc->bark_volume = dog_volume;
}

static void puppy_class_init(ObjectClass *oc, const void *data)
{
    ANIMAL_CLASS(oc)->class_init_seq = ++class_init_counter;
    BarkerClass *bc = OBJECT_CLASS_CHECK(BarkerClass, oc, TYPE_BARKER);
    bc->bark_volume = puppy_volume;
}

static void animal_init(Object *obj)
{
    event("A");
    ANIMAL(obj)->legs = 4;
}

static void dog_init(Object *obj)
{
    event("D");
    CHECK_INT(ANIMAL(obj)->legs, 4);   /* parent init ran first */
    DOG(obj)->tricks = 1;
}

static void puppy_init(Object *obj)
{
    event("P");
}

static void animal_finalize(Object *obj)
{
    event("a");
}

static void dog_finalize(Object *obj)
{
    event("d");
}

static void puppy_finalize(Object *obj)
{
    event("p");
}

static const InterfaceInfo dog_interfaces[] = { { TYPE_BARKER }, { NULL } };

static const TypeInfo test_types[] = {
    { .name = TYPE_ANIMAL, .parent = TYPE_OBJECT, .instance_size = sizeof(Animal),
      .instance_init = animal_init, .instance_finalize = animal_finalize, .abstract = true,
      .class_size = sizeof(AnimalClass), .class_init = animal_class_init },
    { .name = TYPE_DOG, .parent = TYPE_ANIMAL, .instance_size = sizeof(Dog),
      .instance_init = dog_init, .instance_finalize = dog_finalize,
      .class_init = dog_class_init, .interfaces = dog_interfaces },
    { .name = TYPE_PUPPY, .parent = TYPE_DOG, .instance_init = puppy_init,
      .instance_finalize = puppy_finalize, .class_init = puppy_class_init },
    { .name = TYPE_CAT, .parent = TYPE_ANIMAL },
    { .name = TYPE_BARKER, .parent = TYPE_INTERFACE, .class_size = sizeof(BarkerClass) },
    { .name = TYPE_LOUD_BARKER, .parent = TYPE_BARKER },
};

static void test_register_types(void)
{
    type_register_static_array(test_types, 6);
}

type_init(test_register_types)

UNITTEST(class_init_order_and_inheritance)
{
    /* Asking for the leaf first must still build parents first. */
    AnimalClass *puppy = ANIMAL_CLASS(object_class_by_name(TYPE_PUPPY));
    AnimalClass *dog = ANIMAL_CLASS(object_class_by_name(TYPE_DOG));
    AnimalClass *animal = ANIMAL_CLASS(object_class_by_name(TYPE_ANIMAL));
    AnimalClass *cat = ANIMAL_CLASS(object_class_by_name(TYPE_CAT));

    CHECK(animal->class_init_seq < dog->class_init_seq);
    CHECK(dog->class_init_seq < puppy->class_init_seq);
    CHECK(puppy->sound == dog_sound);      /* inherited through memcpy */
    CHECK(cat->sound == animal_sound);
    CHECK_INT(cat->class_init_seq, animal->class_init_seq);
    CHECK(object_class_get_parent(OBJECT_CLASS(puppy)) == OBJECT_CLASS(dog));
    CHECK(object_class_by_name("no-such-type") == NULL);
    CHECK(object_class_is_abstract(OBJECT_CLASS(animal)));
    CHECK(!object_class_is_abstract(OBJECT_CLASS(dog)));
}

UNITTEST(casts)
{
    Object *obj = object_new(TYPE_PUPPY);

    CHECK(object_dynamic_cast(obj, TYPE_PUPPY) == obj);
    CHECK(object_dynamic_cast(obj, TYPE_DOG) == obj);
    CHECK(object_dynamic_cast(obj, TYPE_ANIMAL) == obj);
    CHECK(object_dynamic_cast(obj, TYPE_OBJECT) == obj);
    CHECK(object_dynamic_cast(obj, TYPE_CAT) == NULL);
    CHECK(object_dynamic_cast(obj, "no-such-type") == NULL);
    CHECK(object_dynamic_cast(NULL, TYPE_DOG) == NULL);
    CHECK_INT(DOG(obj)->tricks, 1);
    CHECK_STR(ANIMAL_GET_CLASS(obj)->sound(ANIMAL(obj)), "woof");
    CHECK_STR(object_get_typename(obj), TYPE_PUPPY);
    object_unref(obj);

    obj = object_new(TYPE_CAT);
    CHECK(object_dynamic_cast(obj, TYPE_DOG) == NULL);
    CHECK(object_dynamic_cast(obj, TYPE_BARKER) == NULL);
    object_unref(obj);
}

UNITTEST(interfaces)
{
    Object *dog = object_new(TYPE_DOG);
    Object *puppy = object_new(TYPE_PUPPY);

    CHECK(object_dynamic_cast(dog, TYPE_BARKER) == dog);
    CHECK(object_dynamic_cast(puppy, TYPE_BARKER) == puppy);   /* inherited */
    CHECK(object_dynamic_cast(dog, TYPE_INTERFACE) == dog);
    /* A sub-interface is not implied by its parent interface. */
    CHECK(object_dynamic_cast(dog, TYPE_LOUD_BARKER) == NULL);

    BarkerClass *dbc = OBJECT_CLASS_CHECK(BarkerClass, object_get_class(dog), TYPE_BARKER);
    BarkerClass *pbc = OBJECT_CLASS_CHECK(BarkerClass, object_get_class(puppy), TYPE_BARKER);
    CHECK(dbc != pbc);     /* one interface class per implementing class */
    CHECK_INT(dbc->bark_volume(dog), 5);
    CHECK_INT(pbc->bark_volume(puppy), 2);
    CHECK(dbc->parent_class.concrete_class == object_get_class(dog));
    object_unref(dog);
    object_unref(puppy);
}

UNITTEST(new_with_errp_rejects_bad_types)
{
    Error *err = NULL;

    CHECK(object_new_with_errp(TYPE_ANIMAL, &err) == NULL);
    CHECK_STR(error_get_pretty(err), "type 'test-animal' is abstract");
    error_free(err);
    err = NULL;
    CHECK(object_new_with_errp("nope", &err) == NULL);
    CHECK_STR(error_get_pretty(err), "unknown type 'nope'");
    error_free(err);
    err = NULL;
    CHECK(object_new_with_errp(TYPE_BARKER, &err) == NULL);
    CHECK(err != NULL);
    error_free(err);
}

UNITTEST(checked_cast_failure_names_both_types)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        Object *cat = object_new(TYPE_CAT);
        DOG(cat);
        _exit(0);
    }
    close(fds[1]);
    char buf[512] = "";
    ssize_t n, total = 0;
    while ((n = read(fds[0], buf + total, sizeof(buf) - 1 - total)) > 0) {
        total += n;
    }
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CHECK(strstr(buf, "object of type 'test-cat' is not an instance of 'test-dog'") != NULL);
}

UNITTEST(refcount_and_finalize_order)
{
    events[0] = '\0';
    Object *obj = object_new(TYPE_PUPPY);
    CHECK_STR(events, "ADP");                /* root to leaf */
    object_ref(obj);
    object_unref(obj);
    CHECK_STR(events, "ADP");                /* still alive */
    object_unref(obj);
    CHECK_STR(events, "ADPpda");             /* leaf to root */
}

UNITTEST(class_list_sorted)
{
    int n;
    ObjectClass **list = object_class_get_list(TYPE_ANIMAL, false, &n);
    CHECK_INT(n, 3);
    CHECK_STR(object_class_get_name(list[0]), TYPE_CAT);
    CHECK_STR(object_class_get_name(list[1]), TYPE_DOG);
    CHECK_STR(object_class_get_name(list[2]), TYPE_PUPPY);
    CHECK(list[3] == NULL);
    free(list);
    list = object_class_get_list(TYPE_ANIMAL, true, &n);
    CHECK_INT(n, 4);
    CHECK_STR(object_class_get_name(list[0]), TYPE_ANIMAL);
    free(list);
    list = object_class_get_list(TYPE_BARKER, false, &n);
    CHECK_INT(n, 2);       /* implementers: dog and puppy */
    free(list);
}

UNITTEST(tree_paths_and_resolution)
{
    Object *box = object_get_container("/test-tree/box");
    Object *dog = object_new(TYPE_DOG);
    Object *cat = object_new(TYPE_CAT);
    Object *cat2 = object_new(TYPE_CAT);
    Error *err = NULL;
    bool ambiguous;

    events[0] = '\0';
    CHECK(object_property_add_child(box, "rex", dog, NULL));
    CHECK(object_property_add_child(box, "tom", cat, NULL));
    CHECK(object_property_add_child(dog, "tom", cat2, NULL));
    CHECK(!object_property_add_child(box, "rex", cat2, &err));   /* has a parent */
    error_free(err);
    object_unref(dog);
    object_unref(cat);
    object_unref(cat2);

    char *path = object_get_canonical_path(cat2);
    CHECK_STR(path, "/test-tree/box/rex/tom");
    free(path);
    path = object_get_canonical_path(object_get_root());
    CHECK_STR(path, "/");
    free(path);
    CHECK_STR(object_get_canonical_path_component(dog), "rex");

    CHECK(object_resolve_path("/test-tree/box/rex", NULL) == dog);
    CHECK(object_resolve_path("/test-tree/box/nope", NULL) == NULL);
    CHECK(object_resolve_path("rex", &ambiguous) == dog && !ambiguous);
    CHECK(object_resolve_path("rex/tom", &ambiguous) == cat2 && !ambiguous);
    CHECK(object_resolve_path("tom", &ambiguous) == NULL && ambiguous);
    CHECK(object_resolve_path_type("box", TYPE_CONTAINER, &ambiguous) == box);
    CHECK(object_resolve_path_type("/test-tree/box/rex", TYPE_CAT, NULL) == NULL);

    /* Unparenting drops the tree's reference: the whole subtree goes. */
    object_unparent(dog);
    CHECK_STR(events, "ada");     /* the cat inside first, then the dog */
    CHECK(object_resolve_path("rex", NULL) == NULL);
    CHECK(object_resolve_path("tom", &ambiguous) == cat && !ambiguous);
    object_unparent(object_resolve_path("/test-tree", NULL));
    CHECK(object_resolve_path("tom", NULL) == NULL);
}

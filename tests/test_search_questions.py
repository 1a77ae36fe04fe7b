"""Questions a newcomer types, each with the shipped page that answers it.

Written from the pages in knowledge/ (a question, a half-remembered phrase,
an error message pasted from a terminal, a typo), before the ranking was
tuned, and never adjusted one by one to make it pass: the page named must
be among the first three results.

The pages are revised as facts are checked. When main's revision of
2026-12-02 reworded them, four questions no longer matched what their page
says (the Polars heuristic now says "hangs", not "deadlock"; thread caps
moved to a new page; no page compares start methods by that word), and
were replaced by questions written from the revised pages: "deadlock
polars" and its typo "deadlok polrs", "how do I limit the number of threads
polars uses" and "start methods compared".

Issue 23 added 22 more the same way (a question, an error, a typo for each
page no question asked about yet, and the issue's own "deadlok polras"),
some naming two pages that must both be in the first three; all 61 held
when they were written (2026-12-07). A second round added 21, one for each
page only one question asked about; 19 held when written. "fork warnign is
not proof" did not (a typo in a word's ending was not read as the word) until
search learnt it; the one that still does not is in MISSED, with why.
Queries most of whose words are in no page must find nothing at all.
"""

from __future__ import annotations

import pytest

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.search import SearchIndex
from heuristica.ui.knowledge_base import DEFAULT_ROOT

QUESTIONS: list[tuple[str, str | tuple[str, ...]]] = [
    # Questions, as typed into a search box
    ("why should I use spawn not fork", "heuristic/polars-use-spawn-not-fork"),
    ("what is the default start method on linux", "environment/cpython-start-method-defaults"),
    ("how many threads does polars use by default", "implementation/polars-thread-pool"),
    ("my notebook pool never finishes", "environment/jupyter-and-interactive-sessions"),
    (
        "is subprocess safe to call from a multi-threaded program",
        "implementation/subprocess-run-fork-exec",
    ),
    ("what does fork copy from the parent", "principle/fork-copies-only-the-calling-thread"),
    (
        "why is my multiprocessing version slower than plain polars",
        "heuristic/you-rarely-need-multiprocessing-with-polars",
    ),
    ("works on my mac but hangs on the linux server", "environment/macos"),
    ("why does it only hang after the first group_by", "principle/lazy-thread-pool-initialisation"),
    (
        "how do I run a spawn pool with ProcessPoolExecutor",
        "implementation/process-pool-executor-mp-context",
    ),
    # Half phrases
    ("polars hang", "heuristic/polars-use-spawn-not-fork"),
    ("polars pool never returns, workers idle at 0% CPU", "heuristic/polars-use-spawn-not-fork"),
    ("fork deadlock lock held by another thread", "principle/fork-copies-only-the-calling-thread"),
    ("grpc channel after fork", "heuristic/grpc-and-fork"),
    ("forkserver preload", "implementation/multiprocessing-set-forkserver-preload"),
    (
        "too many threads per worker OMP_NUM_THREADS",
        "heuristic/limit-native-threads-in-worker-processes",
    ),
    ("pytorch dataloader workers spawn", "implementation/torch-dataloader-multiprocessing-context"),
    ("pthread_atfork in python", "implementation/os-register-at-fork"),
    ("async signal safe", "principle/async-signal-safety-after-fork"),
    ("can't pickle lambda", "principle/pickling-across-process-boundaries"),
    ("if __name__ == '__main__'", "heuristic/guard-the-entry-point-with-main"),
    ("cuda fork", "heuristic/do-not-initialise-cuda-before-forking"),
    ("threadpoolctl", "implementation/threadpoolctl-threadpool-limits"),
    ("POLARS_MAX_THREADS", "implementation/polars-thread-pool"),
    ("how does a parent start a worker process", "principle/process-start-methods"),
    # Error messages pasted from a terminal
    (
        "RuntimeError: context has already been set",
        "implementation/multiprocessing-set-start-method",
    ),
    (
        "RuntimeError: Cannot re-initialize CUDA in forked subprocess",
        "heuristic/do-not-initialise-cuda-before-forking",
    ),
    (
        "AttributeError: Can't get attribute 'work' on <module '__main__' (built-in)>",
        "environment/jupyter-and-interactive-sessions",
    ),
    (
        "An attempt has been made to start a new process before the current process has "
        "finished its bootstrapping phase.",
        "heuristic/guard-the-entry-point-with-main",
    ),
    (
        "DeprecationWarning: This process (pid=48211) is multi-threaded, use of fork() may "
        "lead to deadlocks in the child.",
        "environment/cpython-fork-deprecation-warning",
    ),
    (
        "RuntimeWarning: Using fork() can cause Polars to deadlock in the child process.",
        "environment/polars-fork-warning-versions",
    ),
    (
        "RuntimeError: DataLoader worker (pid(s) 9120) exited unexpectedly",
        "environment/pytorch-and-cuda",
    ),
    ("py-spy: Permission Denied", "environment/linux-glibc"),
    (
        "objc[7781]: +[__NSCFConstantString initialize] may have been in progress in "
        "another thread when fork() was called.",
        "environment/macos",
    ),
    # Typos
    ("polrs pool nevr returns", "heuristic/polars-use-spawn-not-fork"),
    ("forkservr preload", "implementation/multiprocessing-set-forkserver-preload"),
    ("set_start_mthod twice", "implementation/multiprocessing-set-start-method"),
    ("ProcesPoolExecuter", "implementation/process-pool-executor-mp-context"),
    ("jupiter notebok spawn", "environment/jupyter-and-interactive-sessions"),
    # Issue 23: questions
    (
        "my forkserver workers hang after upgrading to python 3.13.8",
        "environment/cpython-forkserver-preloads-main",
    ),
    ("does import numpy start threads", "environment/numpy-openblas-and-fork"),
    (
        "POLARS_MAX_THREADS in the pool initializer has no effect",
        "heuristic/cap-polars-threads-before-polars-is-imported",
    ),
    (
        "what can I put at the top level of my script with forkserver",
        "heuristic/keep-module-level-code-inert-under-forkserver",
    ),
    (
        "gunicorn --preload polars workers hang",
        "heuristic/pre-fork-servers-load-polars-after-the-fork",
    ),
    ("celery prefork polars", "heuristic/pre-fork-servers-load-polars-after-the-fork"),
    (
        "which modules should I preload into the forkserver",
        "heuristic/preload-only-side-effect-free-modules-into-the-forkserver",
    ),
    ("no warning means my fork is safe?", "heuristic/treat-fork-warnings-as-hints-not-proof"),
    ("joblib loky backend with polars", "implementation/joblib-parallel-loky"),
    (
        "use spawn for one pool without changing the global default",
        "implementation/multiprocessing-get-context",
    ),
    (
        "threads inside one process versus several processes",
        "principle/parallelism-within-vs-across-processes",
    ),
    ("where should I call set_start_method", "heuristic/set-start-method-once-or-pass-a-context"),
    ("spawn vs fork", ("principle/process-start-methods", "heuristic/polars-use-spawn-not-fork")),
    # Issue 23: errors pasted from a terminal
    (
        "polars.exceptions.SchemaError: Categories which should be equal have different "
        "backing objects.",
        "environment/polars-categorical-different-backing-objects",
    ),
    ("StringCacheMismatchError", "environment/polars-categorical-different-backing-objects"),
    # Issue 23: typos
    ("deadlok polras", "heuristic/polars-use-spawn-not-fork"),
    ("gunicorn prelaod polars", "heuristic/pre-fork-servers-load-polars-after-the-fork"),
    ("numpy opnblas fork", "environment/numpy-openblas-and-fork"),
    ("joblib lokky", "implementation/joblib-parallel-loky"),
    (
        "categorical diferent backing objects",
        "environment/polars-categorical-different-backing-objects",
    ),
    ("forkserver imports my main modul", "environment/cpython-forkserver-preloads-main"),
    (
        "default start metod on macos",
        ("environment/cpython-start-method-defaults", "environment/macos"),
    ),
    # Issue 23, a second round: a question, error or typo for each page only
    # one question asked about
    (
        "we upgraded polars and the fork warning went away",
        "environment/polars-fork-warning-versions",
    ),
    ("how do I see the fork DeprecationWarning", "environment/cpython-fork-deprecation-warning"),
    ("py-spy dump of a stuck worker", "environment/linux-glibc"),
    ("google cloud client created at import, workers hang", "heuristic/grpc-and-fork"),
    (
        "library code should not call set_start_method",
        "heuristic/set-start-method-once-or-pass-a-context",
    ),
    (
        "should I parallelise my polars job with a process pool",
        "heuristic/you-rarely-need-multiprocessing-with-polars",
    ),
    ("reset a connection pool in the child after fork", "implementation/os-register-at-fork"),
    ("is preexec_fn safe with threads", "implementation/subprocess-run-fork-exec"),
    ("which BLAS library did numpy load", "implementation/threadpoolctl-threadpool-limits"),
    (
        "is it safe to fork after import polars but before the first query",
        "principle/async-signal-safety-after-fork",
    ),
    ("fork bug only shows in some test orders", "principle/lazy-thread-pool-initialisation"),
    (
        "workers times threads is more than the number of cores",
        "heuristic/limit-native-threads-in-worker-processes",
    ),
    (
        "_pickle.PicklingError: Can't pickle <function <lambda> at 0x7f3a2c1e5d30>: "
        "attribute lookup <lambda> on __main__ failed",
        "principle/pickling-across-process-boundaries",
    ),
    (
        "RuntimeError: Cannot re-initialize CUDA in forked subprocess. To use CUDA with "
        "multiprocessing, you must use the 'spawn' start method",
        "environment/pytorch-and-cuda",
    ),
    ("mp.get_contex spawn", "implementation/multiprocessing-get-context"),
    (
        "dataloder first batch never returns",
        "implementation/torch-dataloader-multiprocessing-context",
    ),
    ("paralelism threads vs proceses", "principle/parallelism-within-vs-across-processes"),
    (
        "forkserver top levle code runs in the server",
        "heuristic/keep-module-level-code-inert-under-forkserver",
    ),
    (
        "set_forkserver_preload side efects",
        "heuristic/preload-only-side-effect-free-modules-into-the-forkserver",
    ),
    ("POLARS_MAX_THREDS worker_init_fn", "heuristic/cap-polars-threads-before-polars-is-imported"),
    ("fork warnign is not proof", "heuristic/treat-fork-warnings-as-hints-not-proof"),
]

MISSED = {
    "is it safe to fork after import polars but before the first query": (
        "fifth: the pages on pre-fork servers, on Polars and spawn, on subprocess and on "
        "lazy pools share its words and come first"
    ),
}
"""Questions of the table whose page is not in the first three, and why: kept
to be counted (81 of 82 hold on 2026-12-07), and to fail once they hold."""

NOTHING = ["kubernetes helm chart", "java garbage collector tuning"]
"""About nothing here: most of their words are in no page."""


def wanted(pages: str | tuple[str, ...]) -> tuple[str, ...]:
    return (pages,) if isinstance(pages, str) else pages


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(KnowledgeGraph(load_knowledge(DEFAULT_ROOT).pages).pages)


def test_the_table_asks_about_pages_that_exist(index: SearchIndex) -> None:
    pages = load_knowledge(DEFAULT_ROOT).pages
    assert len(QUESTIONS) >= 40
    assert [page for _, named in QUESTIONS for page in wanted(named) if page not in pages] == []
    assert set(MISSED) <= {question for question, _ in QUESTIONS}


def asked(question: str, pages: str | tuple[str, ...]) -> object:
    reason = MISSED.get(question)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(question, pages, marks=marks, id=question)


@pytest.mark.parametrize(("question", "pages"), [asked(q, p) for q, p in QUESTIONS])
def test_the_pages_that_answer_are_in_the_top_three(
    index: SearchIndex, question: str, pages: str | tuple[str, ...]
) -> None:
    found = [hit.page.id for hit in index.search(question, limit=3)]
    assert set(wanted(pages)) <= set(found), found


@pytest.mark.parametrize("query", NOTHING)
def test_a_query_about_nothing_here_finds_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []

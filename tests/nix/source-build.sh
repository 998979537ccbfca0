#!/usr/bin/env bash
# The flake's build source and its nextest check, rehearsed without Nix (Nix 2.8 here can only
# evaluate):
#   1. a builtins.readDir walker applies nix/source.nix's predicate exactly as builtins.path applies
#      a filter (every entry asked, a kept directory descended into, a rejected one not) and lists
#      the package source (tests = false) and the nextest check's source (tests = true); where the
#      Nix store is writable (root), builtins.path itself copies the package source under the same
#      filter and the two lists must agree;
#   2. exactly the package source, copied to a directory of its own, builds:
#        cargo build --workspace --all-targets --offline --locked
#      so an include_str!/include_bytes!/embed_migrations!/build-script read of a file outside the
#      selection fails here as it would in the Nix build;
#   3. with the check's extra files added, the nix-sandbox profile of .config/nextest.toml leaves
#      out exactly as many tests as it names;
#   4. that profile's tests pass the way the check runs them: as an ordinary user (nobody; the
#      sandbox builds as nixbld, PostgreSQL refuses root), HOME=/homeless-shelter, TMPDIR of its
#      own, PATH = a directory of symlinks to stdenv's kind of basics (coreutils, findutils,
#      diffutils, sed, grep, awk, tar, gzip, bzip2, xz, make, bash, patch, file), the compilers,
#      pkg-config, the check's nativeCheckInputs (PostgreSQL, Redis, python3) and cargo-nextest;
#      no caddy, promtool, prometheus, nix-instantiate, chromium or ip; as root, in a network
#      namespace of its own with only loopback (this machine's PostgreSQL and Redis on 127.0.0.1
#      out of reach). PostgreSQL and Redis come from nix/sandbox-services.sh, the script
#      nix/checks.nix sources in preCheck.
# The tests run from the debug build of step 2 (the check builds with --cargo-profile release).
#
# The copy lives at a fixed place (${TMPDIR:-/tmp}/bingo-source-build-<hash of the repo path>/tree,
# file times kept) and builds into target/source-build, so a second run recompiles nothing that
# did not change. Needs: nix-instantiate, cargo (with the registry cache filled by an earlier
# cargo run: --offline), cargo-nextest, tar, python3, PostgreSQL's server tools (initdb, pg_ctl;
# PATH or Debian's /usr/lib/postgresql/*/bin), redis-server, redis-cli, and when run as root
# setpriv, unshare (util-linux) and ip (iproute2). Prints "source-build: N passed, M failed" last; exits non-zero on a failure.
set -uo pipefail

# shellcheck source=tests/nix/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" source-build
cd "$repo" || exit 1
run_logged() { # run_logged log command...: output to log, its tail shown on failure
  local log="$1"
  shift
  if "$@" >"$log" 2>&1; then return 0; fi
  sed 's/^/       /' "$log" | tail -n 60
  return 1
}

root_user=0
[ "$(id -u)" = 0 ] && root_user=1

tools=(nix-instantiate cargo rustc cargo-nextest tar python3 redis-server redis-cli cc pkg-config)
[ "$root_user" = 1 ] && tools+=(setpriv unshare ip)
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null || { bad "required tool '$t' is not installed"; stop; }
done
if command -v initdb >/dev/null; then
  pgbin="$(dirname "$(readlink -f "$(command -v initdb)")")"
else
  pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
fi
for t in initdb pg_ctl postgres psql pg_dump pg_restore; do
  [ -x "$pgbin/$t" ] || { bad "PostgreSQL's $t is not installed (Debian: apt-get install postgresql)"; stop; }
done

base="${BINGO_SOURCE_BUILD_DIR:-${TMPDIR:-/tmp}/bingo-source-build-$(printf %s "$repo" | cksum | cut -d' ' -f1)}"
export CARGO_TARGET_DIR="${BINGO_SOURCE_BUILD_TARGET_DIR:-$repo/target/source-build}"
tree="$base/tree"
run="$base/run"
(umask 022 && mkdir -p "$base" "$CARGO_TARGET_DIR")
chmod 755 "$base"
exec 9>"$base/lock"
flock 9 # one run at a time per copy

# ---------------------------------------------------------------------------------------------
# 1. The file lists, through the predicate.
walker='{ repo, tests }:
let
  root = /. + repo;
  keep = import (root + "/nix/source.nix") { inherit root tests; };
  # As builtins.path does: every entry of a directory asked, a kept directory descended into.
  walk = dir: rel:
    let entries = builtins.readDir dir; in
    builtins.concatLists (map
      (name:
        let
          type = entries.${name};
          path = "${dir}/${name}";
          r = if rel == "" then name else "${rel}/${name}";
        in
        if !(keep path type) then [ ]
        else if type == "directory" then [ r ] ++ walk path r
        else [ r ])
      (builtins.attrNames entries));
in
walk (toString root) ""'
list() { # list true|false: NUL-separated relative paths, directories before their contents
  nix-instantiate --eval --strict --json --expr "$walker" --argstr repo "$repo" --arg tests "$1" |
    python3 -c 'import json, sys; sys.stdout.write("".join(p + "\0" for p in json.load(sys.stdin)))'
}
lists="$base/lists"
rm -rf "$lists" && mkdir -p "$lists"
if list false >"$lists/build" && list true >"$lists/test"; then
  n_build="$(tr -cd '\0' <"$lists/build" | wc -c)"
  n_test="$(tr -cd '\0' <"$lists/test" | wc -c)"
  ok "nix/source.nix keeps $n_build entries for the package, $n_test for the nextest check"
else
  bad "evaluating nix/source.nix's predicate over the tree"
  stop
fi
sorted() { tr '\0' '\n' <"$1" | LC_ALL=C sort; }

missing="$(for f in Cargo.toml Cargo.lock; do sorted "$lists/build" | grep -xF "$f" >/dev/null || echo "$f"; done)"
leaked="$(sorted "$lists/test" | grep -E '(^|/)(target|node_modules|\.git)(/|$)|(^|/)result[^/]*$' || true)"
outside="$(sorted "$lists/build" | grep -vE '^(crates|\.cargo)(/|$)|^(Cargo\.toml|Cargo\.lock|clippy\.toml|rustfmt\.toml|deny\.toml|rust-toolchain(\.toml)?)$' || true)"
if [ -z "$missing$leaked$outside" ]; then
  ok "the package source: the workspace files and crates/, no target/, node_modules/, .git, result links"
else
  bad "the package source: missing [$missing] never-read entries kept [$leaked] outside the workspace [$outside]"
fi

extra="$(LC_ALL=C comm -13 <(sorted "$lists/build") <(sorted "$lists/test"))"
dropped="$(LC_ALL=C comm -23 <(sorted "$lists/build") <(sorted "$lists/test"))"
strange="$(printf '%s\n' "$extra" | grep -vE '^(\.config|\.config/nextest\.toml|tests|tests/fairness(/.*)?|docs|docs/PROTOCOL\.md)$' | grep . || true)"
if [ -z "$dropped$strange" ] && printf '%s\n' "$extra" | grep -xF .config/nextest.toml >/dev/null; then
  ok "the check's source is the package source plus $(printf '%s\n' "$extra" | grep -c .) entries (.config/nextest.toml, tests/fairness, docs/PROTOCOL.md)"
else
  bad "the check's source: dropped [$dropped] unexpected extras [$strange]"
fi

# builtins.path with the same filter (what lib.cleanSourceWith hands to crane), when the store
# can be written.
if [ -w /nix/store ] && store="$(nix-instantiate --read-write-mode --eval --strict --json --expr \
  '{ repo }: let root = /. + repo; in builtins.path { path = root; name = "bingo-source"; filter = import (root + "/nix/source.nix") { inherit root; }; }' \
  --argstr repo "$repo" 2>"$lists/store.err" | tr -d '"')" && [ -d "$store" ]; then
  if diff <(cd "$store" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) <(sorted "$lists/build") >"$lists/store.diff"; then
    ok "builtins.path with nix/source.nix's filter copies exactly the walker's list ($store)"
  else
    bad "builtins.path with the filter differs from the walker's list"
    sed 's/^/       /' "$lists/store.diff" | head -n 20
  fi
else
  echo "skip - builtins.path comparison (the Nix store is not writable here: $(head -c 200 "$lists/store.err" 2>/dev/null))"
fi

# ---------------------------------------------------------------------------------------------
# PATH for the build and the tests: symlinks only.
bin="$base/bin"
rm -rf "$bin" && mkdir -p "$bin"
link() { # link NAME [TARGET]: TARGET defaults to the NAME found on PATH (resolved)
  local name="$1" target="${2:-}"
  [ -n "$target" ] || target="$(type -P "$name")" || return 1 # a file, never a shell builtin
  target="$(readlink -f "$target")"
  [ -x "$target" ] && ln -sf "$target" "$bin/$name"
}
# stdenv's initial PATH (nixpkgs pkgs/stdenv/generic/common-path.nix): coreutils (with kill, in
# nixpkgs' build), findutils, diffutils, sed, grep, gawk, tar, gzip, bzip2, make, bash, patch, xz,
# file.
for f in $(dpkg -L coreutils 2>/dev/null | grep -E '^/(usr/)?bin/[^/]+$'); do link "$(basename "$f")" "$f"; done
for t in ls cat cp mv rm mkdir rmdir ln chmod touch date sha256sum env sleep id dirname basename readlink \
  head tail tr cut sort uniq wc printf echo true false test pwd mktemp realpath stat \
  kill find xargs diff cmp sed grep awk gawk tar gzip bzip2 xz make bash patch file; do
  [ -e "$bin/$t" ] || link "$t" || true
done
ln -sf bash "$bin/sh"
# The compilers and what crane's derivation adds (cargo, rustc; pkg-config from nix/package.nix).
sysroot_bin="$(rustc --print sysroot)/bin"
for t in cargo rustc rustdoc; do link "$t" "$sysroot_bin/$t"; done
for t in cc c++ gcc g++ cpp as ld ld.bfd ar ranlib nm strip objcopy pkg-config; do link "$t" || true; done
# The check's nativeCheckInputs: PostgreSQL (all of its bin/, as pkgs.postgresql), Redis, python3
# (a system one the sandbox user can run), and cargo-nextest.
for f in "$pgbin"/*; do link "$(basename "$f")" "$f"; done
for t in redis-server redis-cli cargo-nextest; do link "$t"; done
python="/usr/bin/python3"
[ -x "$python" ] || python="$(python3 -c 'import sys; print(sys.executable)')"
link python3 "$python"
absent=""
for t in caddy promtool prometheus nix-instantiate nix chromium ip; do
  PATH="$bin" command -v "$t" >/dev/null 2>&1 && absent+=" $t"
done
if [ -z "$absent" ]; then
  ok "the sandbox PATH ($(ls "$bin" | wc -l) links) has no caddy, promtool, prometheus, nix-instantiate, chromium, ip"
else
  bad "the sandbox PATH has$absent"
fi
if ! as_build_user "$bin/python3" -c 'pass' 2>/dev/null; then
  bad "the sandbox user cannot run $python"
fi

# ---------------------------------------------------------------------------------------------
# 2. Exactly the package source builds.
copy() { # copy LIST: the listed entries of the repository into $tree, times and modes kept
  tar -C "$repo" --null --no-recursion -T "$1" -cf - | tar -C "$tree" -xpf -
}
rm -rf "$tree" && (umask 022 && mkdir -p "$tree")
if ! copy "$lists/build"; then
  bad "copying the package source"
  stop
fi
# cargo's registry cache stays where it is (HOME); nothing else of this machine's PATH. No debug
# info (as in the check's release build): a third of the disk and link time.
# crane vendors every registry package of Cargo.lock, other platforms' too (ipetkov/crane
# lib/vendorCargoRegistries.nix: each lock package with a checksum and a registry source; cargo
# metadata, which nextest runs, reads them all): fetch them first, online, in the repository, as the vendoring does, so
# that the offline steps below miss nothing a build on a fresh machine would have.
if ! (cd "$repo" && run_logged "$base/fetch.log" cargo fetch --locked); then
  bad "cargo fetch --locked (every package of Cargo.lock, as crane vendors them; log: $base/fetch.log)"
  stop
fi
build_env=(env PATH="$bin" HOME="$HOME" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" CARGO_TARGET_DIR="$CARGO_TARGET_DIR"
  CARGO_TERM_COLOR=never CARGO_PROFILE_DEV_DEBUG=0)
if (cd "$tree" && run_logged "$base/build.log" "${build_env[@]}" cargo build --workspace --all-targets --offline --locked); then
  ok "cargo build --workspace --all-targets --offline --locked in a copy of exactly the package source"
else
  bad "cargo build --workspace --all-targets --offline --locked in a copy of exactly the package source (log: $base/build.log)"
  stop
fi

# ---------------------------------------------------------------------------------------------
# 3. The check's source, and what its profile leaves out.
if ! copy "$lists/test"; then
  bad "adding the check's files to the copy"
  stop
fi
meta="$base/meta"
rm -rf "$meta" && mkdir -p "$meta"
if (cd "$tree" && "${build_env[@]}" cargo nextest list --workspace --offline --locked --profile nix-sandbox \
  --message-format json >"$meta/tests.json" 2>"$meta/list.err") &&
  (cd "$tree" && "${build_env[@]}" cargo nextest list --workspace --offline --locked --list-type binaries-only \
    --message-format json >"$meta/binaries.json" 2>>"$meta/list.err") &&
  (cd "$tree" && "${build_env[@]}" cargo metadata --format-version=1 --all-features --offline --locked \
    >"$meta/cargo.json" 2>>"$meta/list.err"); then
  named="$(grep -cE '^[[:space:]]*\|?[[:space:]]*test\(=' "$tree/.config/nextest.toml")"
  counts="$(python3 - "$meta/tests.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
run, out = [], []
for binary in doc["rust-suites"].values():
    for name, case in binary["testcases"].items():
        match = case.get("filter-match", {})
        (run if match.get("status") == "matches" else out).append(f'{binary["binary-id"]} {name}')
print(len(run), len(out))
for t in out:
    print("  left out:", t)
PY
)"
  read -r n_run n_out <<<"$(head -n1 <<<"$counts")"
  if [ "$n_out" = "$named" ] && [ "$n_run" -gt 0 ]; then
    ok "the nix-sandbox profile runs $n_run tests and leaves out the $named it names"
    tail -n +2 <<<"$counts"
  else
    bad "the nix-sandbox profile leaves out $n_out tests but names $named (a renamed or new test?)"
    tail -n +2 <<<"$counts"
  fi
else
  bad "cargo nextest list in the copy"
  sed 's/^/       /' "$meta/list.err" | tail -n 30
  stop
fi

# ---------------------------------------------------------------------------------------------
# 4. The profile's tests, as the sandbox runs them.
rm -rf "$run" && (umask 022 && mkdir -p "$run/tmp" "$run/services")
mkdir -p "$CARGO_TARGET_DIR/nextest"
if [ "$root_user" = 1 ]; then
  # The sandbox's source directory belongs to the build user (tests may write beside their crate,
  # e.g. bingo-storage's relative SQLite path); file times stay as they are.
  chown -R nobody:nogroup "$run" "$tree" "$CARGO_TARGET_DIR/nextest"
fi
# As root, also a network namespace of its own with only loopback up, as the sandbox has: the
# machine's own PostgreSQL and Redis on 127.0.0.1 (tests/run's) are out of reach, so a test that
# fell back to them instead of the sockets would fail here as in Nix.
sandbox() {
  if [ "$root_user" = 1 ] && unshare --net true 2>/dev/null; then
    unshare --net -- "$(type -P bash)" -c '"$1" link set lo up && shift && exec "$@"' _ "$(type -P ip)" \
      setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    echo "(no network namespace of its own: not root, or unshare --net is not allowed)"
    as_build_user "$@"
  fi
}
# The host's services (when it has them) must be out of reach in there.
for port in 5432 6379; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    if sandbox "$bin/bash" -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
      bad "127.0.0.1:$port of this machine is reachable from the sandbox run"
    else
      ok "127.0.0.1:$port of this machine is out of reach from the sandbox run"
    fi
  fi
done
# The tests' own temp files and nextest's go to $run/tmp; nothing of this machine's environment.
if (cd "$tree" && sandbox env -i PATH="$bin" HOME=/homeless-shelter TMPDIR="$run/tmp" NEXTEST_SHOW_PROGRESS=counter \
  bash -euo pipefail -c '
    source "$1" "$2"
    rc=0
    cargo-nextest nextest run --profile nix-sandbox --no-tests=fail \
      --binaries-metadata "$3/binaries.json" --cargo-metadata "$3/cargo.json" || rc=$?
    bingo_sandbox_services_stop
    exit "$rc"
  ' _ "$repo/nix/sandbox-services.sh" "$run/services" "$meta" >"$base/nextest.log" 2>&1); then
  ok "cargo nextest run --profile nix-sandbox: $(grep -E '^ *Summary' "$base/nextest.log" | tail -n1 | sed 's/^ *//')"
else
  bad "cargo nextest run --profile nix-sandbox as the sandbox would (log: $base/nextest.log)"
  grep -E '^ *(FAIL|SIGSEGV|TIMEOUT|Summary|sandbox-services)|error' "$base/nextest.log" | sed 's/^/       /' | tail -n 40
fi

stop

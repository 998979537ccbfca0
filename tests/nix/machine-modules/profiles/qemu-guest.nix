# Stand-in for nixpkgs' nixos/modules/profiles/qemu-guest.nix (virtio kernel modules only,
# nothing the machines interact with).
_: { }

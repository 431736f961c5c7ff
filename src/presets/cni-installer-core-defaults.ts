import { CorePropDefaults } from '../private/core-prop-defaults';

/**
 * The `NetworkAgent`'s CNI installer's defaults for the container settings (see `CniInstaller`).
 * `npx projen` writes them into `CniInstaller`'s docs.
 */
export const CNI_INSTALLER_CORE_DEFAULTS: CorePropDefaults = {
  runAsUser: {
    default: '0',
    note: 'Root: the CNI directories belong to root. No capability is needed to write them.',
  },
  runAsGroup: '0',
  runAsNonRoot: 'false',
  hostMounts: '- the node\'s CNI binary and configuration directories (`cniBinDir`, `cniConfDir`) read-write '
    + 'at `binMountPath` and `confMountPath` (shared with the other CNI plugins of the node)',
};

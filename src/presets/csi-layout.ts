/** Where every container of a CSI node plugin's pod sees the plugin's socket directory. */
export const CSI_SOCKET_DIR = '/csi';
/** The plugin's socket inside the containers: the registrar and the livenessprobe sidecar dial it. */
export const CSI_SOCKET = `${CSI_SOCKET_DIR}/csi.sock`;

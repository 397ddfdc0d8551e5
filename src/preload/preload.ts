/** Sandboxed preload: exposes the typed `window.api` and nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './api';

// Plain-object rejections: contextBridge would strip `code` from an Error.
contextBridge.exposeInMainWorld('api', buildApi(ipcRenderer, { plainErrors: true }));

/** Sandboxed preload: exposes the typed `window.api` and nothing else. */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './api';

contextBridge.exposeInMainWorld('api', buildApi(ipcRenderer));

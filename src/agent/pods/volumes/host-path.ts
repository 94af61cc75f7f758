// hostPath volume types, checked as upstream's hostPath plugin does (checkType): the *OrCreate
// types create what is missing (a directory 0755, or an empty file 0644 whose parent must
// already exist), the others only check, and a mismatch fails the mount with upstream's message
// ("hostPath type check failed: /x is not a directory, it's a File"), so the pod waits with a
// FailedMount warning.
import { closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { VolumeError } from './payload.js';

type FileType = 'Directory' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

function fileType(st: Stats): FileType | undefined {
  if (st.isDirectory()) return 'Directory';
  if (st.isFile()) return 'File';
  if (st.isSocket()) return 'Socket';
  if (st.isCharacterDevice()) return 'CharDevice';
  if (st.isBlockDevice()) return 'BlockDevice';
  return undefined;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function typeMatchedOrError(path: string, expected: FileType, description: string): void {
  const st = statOrUndefined(path);
  if (!st) throw new VolumeError(`hostPath ${path} doesn't exist`);
  const actual = fileType(st);
  if (!actual) throw new VolumeError(`hostPath type check failed, ${path} is not a ${description}, unable to determine its type: only recognise file, directory, socket, block device and character device`);
  if (actual !== expected) throw new VolumeError(`hostPath type check failed: ${path} is not a ${description}, it's a ${actual}`);
}

function makeFile(path: string): void {
  // O_CREAT without O_EXCL: an existing file or directory is left alone; a missing parent fails.
  try {
    closeSync(openSync(path, 'a', 0o644));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EISDIR' || err.code === 'EEXIST') return;
    throw new VolumeError(`open ${path}: ${describeErrno(err)}`);
  }
}

function describeErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': return 'permission denied';
    case 'ENOTDIR': return 'not a directory';
    case 'EROFS': return 'read-only file system';
    default: return err.message;
  }
}

/** Checks (and for the *OrCreate types, creates) a hostPath; throws VolumeError on a mismatch. */
export function checkHostPathType(path: string, type: string | undefined): void {
  switch (type ?? '') {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!statOrUndefined(path)) {
        try {
          mkdirSync(path, { recursive: true, mode: 0o755 });
        } catch (e) {
          throw new VolumeError(`mkdir ${path}: ${describeErrno(e as NodeJS.ErrnoException)}`);
        }
      }
      return typeMatchedOrError(path, 'Directory', 'directory');
    case 'Directory':
      return typeMatchedOrError(path, 'Directory', 'directory');
    case 'FileOrCreate':
      if (!statOrUndefined(path)) makeFile(path);
      return typeMatchedOrError(path, 'File', 'file');
    case 'File':
      return typeMatchedOrError(path, 'File', 'file');
    case 'Socket':
      return typeMatchedOrError(path, 'Socket', 'socket file');
    case 'CharDevice':
      return typeMatchedOrError(path, 'CharDevice', 'character device');
    case 'BlockDevice':
      return typeMatchedOrError(path, 'BlockDevice', 'block device');
    default:
      throw new VolumeError(`${type} is an invalid volume type`);
  }
}

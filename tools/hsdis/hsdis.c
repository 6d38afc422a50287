/*
 * A minimal HotSpot disassembler plugin (hsdis) over capstone, for reading the engine's kernels as
 * C2 compiles them (-XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,Class::method).
 * Build with tools/hsdis/build.sh. Bytes capstone cannot decode (capstone 4 lacks some AVX-512
 * forms, e.g. vpternlogd, and the VNNI instructions) are printed as ".byte 0x.." one by one, so
 * the listing continues after them.
 */
#include <capstone/capstone.h>
#include <stdint.h>
#include <stdio.h>
typedef void* (*event_callback_t)(void*, const char*, void*);
typedef int (*printf_callback_t)(void*, const char*, ...);
void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
    event_callback_t event_callback, void* event_stream, printf_callback_t printf_callback, void* printf_stream,
    const char* options, int newline) {
  csh h;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) return NULL;
  cs_insn* insn = cs_malloc(h);
  const uint8_t* code = buffer; size_t size = length; uint64_t addr = start_va;
  while (size > 0) {
    uint64_t at = addr;
    if (cs_disasm_iter(h, &code, &size, &addr, insn)) {
      (*event_callback)(event_stream, "insn", (void*) at);
      (*printf_callback)(printf_stream, "%s\t%s", insn->mnemonic, insn->op_str);
      (*event_callback)(event_stream, "/insn", (void*) addr);
    } else {
      (*event_callback)(event_stream, "insn", (void*) at);
      (*printf_callback)(printf_stream, ".byte 0x%02x", *code);
      code++; size--; addr++;
      (*event_callback)(event_stream, "/insn", (void*) addr);
    }
    if (newline) (*printf_callback)(printf_stream, "\n");
  }
  cs_free(insn, 1); cs_close(&h);
  return (void*) end_va;
}

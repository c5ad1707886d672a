#ifndef MAILCONF_CGSSAPI_SHIM_H
#define MAILCONF_CGSSAPI_SHIM_H
/* MIT Kerberos' GSS-API (Debian: libkrb5-dev). */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <gssapi/gssapi_ext.h>
/* For the error codes (KRB5KRB_AP_ERR_SKEW, …) that GSS-API reports as minor status. */
#include <krb5/krb5.h>

/* The name-type and mechanism OIDs are global variables, which Swift 6 refuses as shared
   mutable state; and the status constants are macros Swift does not import. */
static inline gss_OID mailconf_gss_nt_hostbased_service(void) { return GSS_C_NT_HOSTBASED_SERVICE; }
static inline gss_OID mailconf_gss_krb5_nt_principal_name(void) { return (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME; }
static inline gss_OID mailconf_gss_mech_krb5(void) { return (gss_OID)gss_mech_krb5; }
static inline OM_uint32 mailconf_gss_routine_error(OM_uint32 major) { return GSS_ROUTINE_ERROR(major); }
static inline int mailconf_gss_is_error(OM_uint32 major) { return GSS_ERROR(major) != 0; }
static inline OM_uint32 mailconf_gss_s_continue_needed(void) { return GSS_S_CONTINUE_NEEDED; }
static inline OM_uint32 mailconf_gss_s_no_cred(void) { return GSS_S_NO_CRED; }
static inline OM_uint32 mailconf_gss_s_credentials_expired(void) { return GSS_S_CREDENTIALS_EXPIRED; }
static inline OM_uint32 mailconf_gss_s_bad_name(void) { return GSS_S_BAD_NAME; }
static inline OM_uint32 mailconf_gss_s_defective_token(void) { return GSS_S_DEFECTIVE_TOKEN; }
#endif

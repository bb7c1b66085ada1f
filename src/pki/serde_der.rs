//! Certificates, CSRs and keys cross to a worker as their DER bytes, and are parsed and
//! checked again on the way in, as if they had been pasted.

use super::{Certificate, Crl, Csr, PrivateKey};
use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};
use serde_bytes::{ByteBuf, Bytes};

impl Serialize for Certificate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Bytes::new(self.der()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Certificate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let der = ByteBuf::deserialize(deserializer)?;
        Certificate::from_der(der.into_vec()).map_err(D::Error::custom)
    }
}

impl Serialize for Crl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Bytes::new(self.der()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Crl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let der = ByteBuf::deserialize(deserializer)?;
        Crl::from_der(der.into_vec()).map_err(D::Error::custom)
    }
}

impl Serialize for Csr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Bytes::new(self.der()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Csr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let der = ByteBuf::deserialize(deserializer)?;
        Csr::from_der(&der).map_err(D::Error::custom)
    }
}

/// A key as unencrypted PKCS#8: it only ever crosses between the page and its own worker.
impl Serialize for PrivateKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Bytes::new(self.pkcs8_der()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PrivateKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let der = zeroize::Zeroizing::new(ByteBuf::deserialize(deserializer)?.into_vec());
        PrivateKey::from_pkcs8_der(&der).map_err(D::Error::custom)
    }
}
